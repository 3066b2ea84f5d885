using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product with batch broadcasting: (...,M,K) @ (...,K,N) → (...,M,N). A 1-D left operand
    /// is a row vector and a 1-D right operand a column vector (the added axis is removed again).
    /// </summary>
    public Tensor Matmul(Tensor b)
    {
        if (Rank == 0 || b.Rank == 0) throw new ArgumentException($"Matmul needs tensors of rank >= 1, got {Shape} and {b.Shape}.");
        RequireFloat("Matmul");
        b.RequireFloat("Matmul");
        if (Rank == 1) return Unsqueeze(0).Matmul(b).Squeeze(-2);
        if (b.Rank == 1) return Matmul(b.Unsqueeze(-1)).Squeeze(-1);
        if (DType != b.DType) throw new ArgumentException($"Matmul: dtypes differ ({DType} and {b.DType}).");
        int m = Shape[-2], k = Shape[-1], k2 = b.Shape[-2], n = b.Shape[-1];
        if (k != k2)
            throw new ArgumentException($"Matmul: inner dimensions differ: {Shape} @ {b.Shape} ({k} vs {k2}).");

        var batchA = new Shape(Shape.Dims[..^2].ToArray());
        var batchB = new Shape(b.Shape.Dims[..^2].ToArray());
        var batch = Shape.Broadcast(batchA, batchB, "Matmul");
        var outDims = batch.ToArray().Concat(new[] { m, n }).ToArray();
        // GEMM runs with beta 0 and so overwrites every element without reading it.
        var r = Empty(new Shape(outDims), DType);

        var (ta, lda, av) = MatrixOperand(this);
        var (tb, ldb, bv) = MatrixOperand(b);
        var sa = BatchOffsets(av, batch);
        var sb = BatchOffsets(bv, batch);
        int batches = batch.Size;
        long macs = (long)m * n * k;
        void Run(int i0, int i1)
        {
            for (int i = i0; i < i1; i++)
            {
                int co = i * m * n;
                if (DType == DType.Float32)
                    Gemm.Sgemm(ta, tb, m, n, k, 1f, av.Storage.As<float>(), sa[i], lda, bv.Storage.As<float>(), sb[i], ldb, 0f, r.Storage.As<float>(), co, n);
                else
                    Gemm.Dgemm(ta, tb, m, n, k, 1.0, av.Storage.As<double>(), sa[i], lda, bv.Storage.As<double>(), sb[i], ldb, 0.0, r.Storage.As<double>(), co, n);
            }
        }
        // Many small products (attention heads: (T,d)·(d,T) per sample and head) are each too small to split, so the
        // batch is split across cores instead; a large product splits itself inside Sgemm.
        if (batches > 1 && macs < BatchSplitMaxMacs) CpuParallel.For(batches, macs, Run);
        else Run(0, batches);
        var a = this;
        return Tape.Record(r, "matmul", [this, b], g => [
            a.RequiresGrad ? g.Matmul(b.Transpose(-2, -1)).SumTo(a.Shape) : null,
            b.RequiresGrad ? a.Transpose(-2, -1).Matmul(g).SumTo(b.Shape) : null]);
    }

    // Below this many multiply-adds per product a batched Matmul splits its batch across cores (Sgemm itself splits
    // only from 4M; see Gemm.ParallelMinMacs).
    private const long BatchSplitMaxMacs = 1L << 22;

    // A batch of matrices whose last two axes are dense either row-major (trans=false) or
    // column-major (trans=true, a transposed view): GEMM reads both without a copy.
    private static (bool trans, int ld, Tensor t) MatrixOperand(Tensor t)
    {
        int r = t.Rank;
        int rows = t.Shape[r - 2], cols = t.Shape[r - 1];
        if (t.Strides[r - 1] == 1 && (t.Strides[r - 2] == cols || rows == 1)) return (false, cols, t);
        if (t.Strides[r - 2] == 1 && (t.Strides[r - 1] == rows || cols == 1)) return (true, rows, t);
        var c = t.Contiguous();
        return (false, cols, c);
    }

    // Storage offset of each batch matrix, following broadcast strides over the batch axes.
    private static int[] BatchOffsets(Tensor t, Shape batch)
    {
        int n = batch.Size, br = batch.Rank, lead = br - (t.Rank - 2);
        var offs = new int[n];
        var idx = new int[br];
        for (int i = 0; i < n; i++)
        {
            int o = t.Offset;
            for (int d = lead; d < br; d++)
                if (t.Shape[d - lead] != 1) o += idx[d] * t.Strides[d - lead];
            offs[i] = o;
            for (int d = br - 1; d >= 0; d--)
            {
                if (++idx[d] < batch[d]) break;
                idx[d] = 0;
            }
        }
        return offs;
    }
}
