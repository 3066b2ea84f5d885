using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>Operands packed once give the same bits as packing per call; read-only weights use them in Linear and Conv2d.</summary>
[Collection(ThreadCountCollection.Name)]
public class GemmPrepackedTests
{
    private static float[] Random(Random rng, int count)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return v;
    }

    [Theory]
    [InlineData(1, 128, 3136, true)]   // batch-1 fc1 of the reference CNN
    [InlineData(1, 10, 128, true)]     // narrow: one partial panel
    [InlineData(3, 70, 600, true)]     // three K blocks, a partial panel
    [InlineData(17, 33, 257, false)]   // B not transposed, odd everything
    [InlineData(64, 256, 784, true)]   // a training-size batch, split across threads
    public void PackedProductEqualsTheUnpackedOneBitForBit(int m, int n, int k, bool transB)
    {
        var rng = new Random(m * 1000 + n);
        var a = Random(rng, m * k);
        var b = Random(rng, n * k + 5);
        // A single row against a large packed B (fc1: 1.6 MB) is cut by columns across the threads (Gemm.Split).
        foreach (int threads in new[] { 1, 2, 3 })
        {
            int saved = CpuParallel.ThreadCount;
            CpuParallel.ThreadCount = threads;
            try
            {
                var expected = new float[m * n];
                Gemm.Sgemm(false, transB, m, n, k, 1f, a, 0, k, b, 5, transB ? k : n, 0f, expected, 0, n);
                var packed = Gemm.PackB(transB, k, n, b, 5, transB ? k : n);
                var actual = new float[m * n];
                Gemm.SgemmPacked(false, m, 1f, a, 0, k, packed, 0f, actual, 0, n);
                Assert.Equal(expected, actual);
                // beta = 1 accumulates exactly as the unpacked call does.
                Gemm.Sgemm(false, transB, m, n, k, 0.5f, a, 0, k, b, 5, transB ? k : n, 1f, expected, 0, n);
                Gemm.SgemmPacked(false, m, 0.5f, a, 0, k, packed, 1f, actual, 0, n);
                Assert.Equal(expected, actual);
            }
            finally
            {
                CpuParallel.ThreadCount = saved;
            }
        }
    }

    [Fact]
    public void LinearOnReadOnlyWeightsGivesTheSameBitsAndRefusesWrites()
    {
        var rng = new Generator(5);
        var w = Tensor.Randn(new Shape(40, 300), rng);
        var b = Tensor.Randn(new Shape(40), rng);
        var x = Tensor.Randn(new Shape(3, 300), rng);
        var expected = x.Linear(w, b).ToArray();
        var frozen = w.Clone();
        frozen.Storage.MakeReadOnly();
        Assert.Equal(expected, x.Linear(frozen, b).ToArray());
        // Row by row (the served batch-1 case) equals the batch, from the cached packing.
        for (int r = 0; r < 3; r++)
            Assert.Equal(expected.AsSpan(r * 40, 40).ToArray(), x.Slice(0, r, r + 1).Linear(frozen, b).ToArray());
        var ex = Assert.Throws<InvalidOperationException>(() => frozen.CopyFrom(w));
        Assert.Contains("read-only", ex.Message);
        Assert.Contains("fresh copy", ex.Message);
    }

    [Fact]
    public void ConvolutionWithReadOnlyWeightsGivesTheSameBitsForAnyInputSize()
    {
        var rng = new Generator(9);
        var w = Tensor.Randn(new Shape(12, 5, 3, 3), rng);
        var b = Tensor.Randn(new Shape(12), rng);
        var frozen = w.Clone();
        frozen.Storage.MakeReadOnly();
        // The packed panels are cached on the first call and must serve other input sizes and batch sizes unchanged.
        foreach (var shape in new[] { new Shape(1, 5, 14, 14), new Shape(3, 5, 9, 11), new Shape(1, 5, 14, 14) })
        {
            var x = Tensor.Randn(shape, rng);
            Assert.Equal(x.Conv2d(w, b, padH: 1, padW: 1).ToArray(), x.Conv2d(frozen, b, padH: 1, padW: 1).ToArray());
        }
    }

    [Fact]
    public void PackingForAnotherKernelIsRefused()
    {
        var b = new float[64 * 32];
        var packed = Gemm.PackB(false, 64, 32, b, 0, 32);
        var other = Gemm.DefaultKernel == GemmKernelKind.Scalar ? GemmKernelKind.Avx2 : GemmKernelKind.Scalar;
        if (!Gemm.IsSupported(other)) return;
        Gemm.KernelOverride = other;
        try
        {
            var ex = Assert.Throws<InvalidOperationException>(() => Gemm.SgemmPacked(false, 1, 1f, new float[64], 0, 64, packed, 0f, new float[32], 0, 32));
            Assert.Contains("pack it again", ex.Message);
        }
        finally
        {
            Gemm.KernelOverride = GemmKernelKind.Auto;
        }
    }
}
