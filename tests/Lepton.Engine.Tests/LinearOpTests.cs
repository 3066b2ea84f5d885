using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>The fused Linear op against the composite x·Wᵀ + b it replaces, its gradient check, and its bias kernels.</summary>
[Collection(ThreadCountCollection.Name)]
public sealed class LinearOpTests
{
    public static TheoryData<int[], int, bool> Shapes => new()
    {
        { [5, 7], 3, true },      // odd sizes
        { [64, 784], 256, true }, // the MLP's first layer
        { [2, 5, 7], 3, true },   // extra leading axis
        { [7], 3, true },         // a single vector
        { [4, 1], 1, true },      // one feature in and out
        { [9, 33], 17, false },   // no bias, widths past a vector
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesMatmulPlusBiasForwardAndBackward(int[] xShape, int outF, bool withBias)
    {
        var rng = new Generator(7);
        int inF = xShape[^1];
        var x = Tensor.Randn(new Shape(xShape), rng);
        var w = Tensor.Randn(new Shape(outF, inF), rng);
        var b = Tensor.Randn(new Shape(outF), rng);
        var gyShape = xShape.ToArray();
        gyShape[^1] = outF;
        var gy = Tensor.Randn(new Shape(gyShape), rng);
        foreach (int threads in new[] { 1, 2 })
        {
            int saved = CpuParallel.ThreadCount;
            CpuParallel.ThreadCount = threads;
            try
            {
                var (x1, w1, b1) = (x.Detach().RequireGrad(), w.Detach().RequireGrad(), b.Detach().RequireGrad());
                var (x2, w2, b2) = (x.Detach().RequireGrad(), w.Detach().RequireGrad(), b.Detach().RequireGrad());
                var fused = x1.Linear(w1, withBias ? b1 : null);
                var composite = x2.Matmul(w2.T);
                if (withBias) composite = composite.Add(b2);
                // Same GEMM calls and the same bias addition: the same bits.
                Assert.Equal(composite.Shape, fused.Shape);
                Assert.Equal(composite.ToArray(), fused.ToArray());
                var g1 = fused.Backward(seed: gy);
                var g2 = composite.Backward(seed: gy);
                Assert.Equal(g2[x2]!.ToArray(), g1[x1]!.ToArray());
                if (xShape.Length <= 2) Assert.Equal(g2[w2]!.ToArray(), g1[w1]!.ToArray());
                else
                {
                    // The composite sums one product per leading index; the fused op runs one GEMM over all rows.
                    var (dw1, dw2) = (g1[w1]!.ToArray(), g2[w2]!.ToArray());
                    for (int j = 0; j < dw1.Length; j++) Assert.Equal(dw2[j], dw1[j], 1e-4f);
                }
                Assert.True(g1[w1]!.IsContiguous, "dW is written in the weight's own layout.");
                if (withBias)
                {
                    // The bias gradient sums the rows in order; the composite reduces through a transposed copy.
                    var (db1, db2) = (g1[b1]!.ToArray(), g2[b2]!.ToArray());
                    for (int j = 0; j < outF; j++) Assert.Equal(db2[j], db1[j], 1e-4f);
                }
                else Assert.Null(g1[b1]);
            }
            finally { CpuParallel.ThreadCount = saved; }
        }
    }

    [Fact]
    public void AnEmptyBatchGivesAnEmptyOutputAndZeroParameterGradients()
    {
        var w = Tensor.Ones(3, 4).RequireGrad();
        var b = Tensor.Ones(3).RequireGrad();
        var y = Tensor.Zeros(0, 4).Linear(w, b);
        Assert.Equal(new Shape(0, 3), y.Shape);
        var g = y.Backward(seed: Tensor.Zeros(0, 3));
        Assert.All(g[w]!.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(g[b]!.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void GradientsPassTheFiniteDifferenceCheck()
    {
        var rng = new Generator(3);
        var x = Tensor.Randn(new Shape(2, 3, 4), rng, dtype: DType.Float64);
        var w = Tensor.Randn(new Shape(5, 4), rng, dtype: DType.Float64);
        var b = Tensor.Randn(new Shape(5), rng, dtype: DType.Float64);
        GradCheck.Check(t => t[0].Linear(t[1], t[2]), x, w, b);
        GradCheck.Check(t => t[0].Linear(t[1]), Tensor.Randn(new Shape(3, 4), rng, dtype: DType.Float64), Tensor.Randn(new Shape(2, 4), rng, dtype: DType.Float64));
    }

    [Fact]
    public void NamesTheMismatchedShape()
    {
        var x = Tensor.Zeros(2, 5);
        Assert.Contains("in_features=4", Assert.Throws<ArgumentException>(() => x.Linear(Tensor.Zeros(3, 4))).Message);
        Assert.Contains("bias (3)", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 4).Linear(Tensor.Zeros(3, 4), Tensor.Zeros(2))).Message);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(64, 10)]
    [InlineData(5, 33)]
    [InlineData(0, 9)]
    public void BiasKernelsMatchPlainLoops(int rows, int cols)
    {
        var rng = new Generator(5);
        var m = Tensor.Randn(new Shape(rows, cols), rng).ToArray();
        var bias = Tensor.Randn(new Shape(cols), rng).ToArray();
        var added = (float[])m.Clone();
        VectorMath.AddRowVector<float>(added, rows, cols, bias);
        var sums = new float[cols + 2];
        sums[^1] = 42f;
        VectorMath.SumColumns<float>(m, rows, cols, sums);
        for (int j = 0; j < cols; j++)
        {
            float s = 0;
            for (int r = 0; r < rows; r++)
            {
                Assert.Equal(m[r * cols + j] + bias[j], added[r * cols + j]);
                s += m[r * cols + j];
            }
            Assert.Equal(s, sums[j]);
        }
        Assert.Equal(42f, sums[^1]);
    }
}
