using System.Numerics;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Fully connected map y = x Wᵀ + b (torch.nn.functional.linear): x (*, in), weight (out, in), bias (out) → (*, out).
    /// One fused op: the bias is added to the GEMM's output while it is still in cache, and backward writes dW as
    /// gᵀ·x straight in the weight's (out, in) layout and db as column sums of g, with no transposed temporaries.
    /// </summary>
    public Tensor Linear(Tensor weight, Tensor? bias = null)
    {
        RequireFloat("Linear");
        if (weight.Rank != 2)
            throw new ArgumentException($"Linear expected weight (out_features, in_features), got {weight.Shape}.");
        int inF = weight.Shape[1], outF = weight.Shape[0];
        if (Rank == 0 || Shape[-1] != inF)
            throw new ArgumentException($"Linear: input {Shape} must end in in_features={inF} (weight {weight.Shape}).");
        if (weight.DType != DType || (bias is not null && bias.DType != DType))
            throw new ArgumentException($"Linear: input is {DType} but weight is {weight.DType}{(bias is null ? "" : $" and bias {bias.DType}")}; convert them to one dtype with To().");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != outF))
            throw new ArgumentException($"Linear expected bias ({outF}) for weight {weight.Shape}, got {bias.Shape}.");

        int rows = Numel / inF;
        var outDims = Shape.ToArray();
        outDims[^1] = outF;
        var x = DenseData();
        var w = weight.DenseData();
        var b = bias?.DenseData();
        var y = Empty(new Shape(outDims), DType);
        if (DType == DType.Float32) LinearForward<float>(x, w, b, y, rows, inF, outF);
        else LinearForward<double>(x, w, b, y, rows, inF, outF);

        Tensor[] inputs = bias is null ? [this, weight] : [this, weight, bias];
        bool needX = RequiresGrad, needW = weight.RequiresGrad, needB = bias?.RequiresGrad ?? false;
        var xShape = Shape;
        return Tape.Record(y, "linear", inputs, gy =>
        {
            var g = gy.DenseData();
            var gx = needX ? Empty(xShape, x.DType) : null;
            var gw = needW ? Empty(w.Shape, w.DType) : null;
            var gb = needB ? Empty(new Shape(outF), x.DType) : null;
            if (x.DType == DType.Float32) LinearBackward<float>(x, w, g, gx, gw, gb, rows, inF, outF);
            else LinearBackward<double>(x, w, g, gx, gw, gb, rows, inF, outF);
            return bias is null ? [gx, gw] : [gx, gw, gb];
        });
    }

    // x: (rows, in), w: (out, in), b: (out) → y: (rows, out)
    internal static void LinearForward<T>(Tensor x, Tensor w, Tensor? b, Tensor y, int rows, int inF, int outF)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && w.Storage.IsReadOnly && Gemm.KernelOverride == GemmKernelKind.Auto)
            Gemm.SgemmPacked(false, rows, 1f, x.Data<float>(), x.Offset, inF, PackedWeight(w, inF, outF), 0f, y.Data<float>(), y.Offset, outF);
        else
            DenseGemm<T>(false, true, rows, outF, inF, x, inF, w, inF, y);
        if (b is not null) VectorMath.AddRowVector(y.Span<T>(), rows, outF, b.Data<T>().AsSpan(b.Offset, outF));
    }

    // g: (rows, out) → gx = g·W (rows, in), gw = gᵀ·x (out, in), gb = Σ_rows g (out)
    internal static void LinearBackward<T>(Tensor x, Tensor w, Tensor g, Tensor? gx, Tensor? gw, Tensor? gb, int rows, int inF, int outF)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gx is not null) DenseGemm<T>(false, false, rows, inF, outF, g, outF, w, inF, gx);
        if (gw is not null) DenseGemm<T>(true, false, outF, inF, rows, g, outF, x, inF, gw);
        if (gb is not null) VectorMath.SumColumns(g.Data<T>().AsSpan(g.Offset, rows * outF), rows, outF, gb.Span<T>());
    }

    // Wᵀ packed once for a read-only weight: a batch-1 forward then reads the panels instead of re-packing the whole
    // matrix (fc1 of the reference CNN: 1.6 MB) on every call. Same panels, so the same bits as packing per call.
    private static PackedGemmB PackedWeight(Tensor w, int inF, int outF) =>
        w.Storage.Derived((Offset: w.Offset, In: inF, Out: outF, Kind: Gemm.DefaultKernel), w,
            static (k, w) => Gemm.PackB(transB: true, k.In, k.Out, w.Data<float>(), k.Offset, k.In));

    // c = op(a)·op(b) into a fresh dense c (beta 0: its contents are never read).
    private static void DenseGemm<T>(bool ta, bool tb, int m, int n, int k, Tensor a, int lda, Tensor b, int ldb, Tensor c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            Gemm.Sgemm(ta, tb, m, n, k, 1f, a.Data<float>(), a.Offset, lda, b.Data<float>(), b.Offset, ldb, 0f, c.Data<float>(), c.Offset, n);
        else
            Gemm.Dgemm(ta, tb, m, n, k, 1.0, a.Data<double>(), a.Offset, lda, b.Data<double>(), b.Offset, ldb, 0.0, c.Data<double>(), c.Offset, n);
    }
}
