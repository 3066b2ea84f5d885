using System.Numerics;
using Lepton.Engine.Kernels;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>
/// The fused batch-norm kernels against the plain reference: outputs, kept statistics, running-statistic updates and
/// all three gradients, in float32 and float64, on awkward shapes (one channel, odd planes, planes of one, N = 2),
/// with and without affine parameters, in training and eval; and the same bits whatever the thread count.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class BatchNormKernelTests
{
    public static TheoryData<int, int, int, string> Shapes => new()
    {
        { 2, 1, 7, "train" },     // one channel, an odd plane (all tail)
        { 2, 3, 25, "train" },    // N = 2, 5x5 planes
        { 3, 5, 1, "train" },     // (N,C): planes of one element
        { 4, 2, 51, "eval" },
        { 2, 4, 199, "train-no-running" },
        { 5, 3, 16, "train-no-affine" },
        { 2, 1, 33, "eval-no-affine" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FastKernelMatchesReferenceFloat32(int n, int c, int s, string mode) => Compare<float>(n, c, s, mode, 2e-6);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FastKernelMatchesReferenceFloat64(int n, int c, int s, string mode) => Compare<double>(n, c, s, mode, 1e-12);

    private static void Compare<T>(int n, int c, int s, string mode, double tol) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(n * 1000 + c * 100 + s);
        var g = new BatchNormGeometry(n, c, s);
        bool batchStats = mode != "eval" && mode != "eval-no-affine";
        bool affine = !mode.EndsWith("no-affine");
        bool running = mode != "train-no-running";
        const int offset = 3;
        // Values around 4 with spread 2: a one-pass E[x²] − E[x]² would lose digits here.
        var x = Values<T>(rng, offset + g.Size, 4, 2);
        var gy = Values<T>(rng, 1 + g.Size, 0, 1);
        var w = affine ? Values<T>(rng, 1 + c, 1, 0.5) : null;
        var b = affine ? Values<T>(rng, c, 0, 0.5) : null;
        T[]? Running(double center) => running ? Values<T>(rng, c, center, 0.2) : null;
        var rmFast = Running(0.5);
        var rvFast = rmFast is null ? null : Values<T>(rng, c, 2, 0.3);
        var rmBefore = (T[]?)rmFast?.Clone();
        var rmRef = (T[]?)rmFast?.Clone();
        var rvRef = (T[]?)rvFast?.Clone();

        var yFast = new T[g.Size];
        var yRef = new T[g.Size];
        double[] meanFast = new double[c], invFast = new double[c], meanRef = new double[c], invRef = new double[c];
        var pFast = new BatchNormParams<T>(w, 1, b, 0, rmFast, 0, rvFast, 0);
        var pRef = new BatchNormParams<T>(w, 1, b, 0, rmRef, 0, rvRef, 0);
        BatchNormKernels.Forward(x, offset, g, pFast, batchStats, 0.1, 1e-5, yFast, meanFast, invFast);
        BatchNormReference.Forward(x, offset, g, pRef, batchStats, 0.1, 1e-5, yRef, meanRef, invRef);
        Close(meanRef, meanFast, 1e-13, "mean");
        Close(invRef, invFast, 1e-12, "invstd");
        Close(yRef, yFast, tol, "y");
        if (rmFast is not null)
        {
            Close(rmRef!, rmFast, tol, "running_mean");
            Close(rvRef!, rvFast!, tol, "running_var");
            if (batchStats) Assert.NotEqual(rmBefore, rmFast);
            else Assert.Equal(rmBefore, rmFast); // eval reads them only
        }

        var gxFast = new T[g.Size];
        Array.Fill(gxFast, T.CreateTruncating(77)); // every element must be written
        T[] gwFast = new T[c], gbFast = new T[c], gxRef = new T[g.Size], gwRef = new T[c], gbRef = new T[c];
        BatchNormKernels.Backward(x, offset, gy, 1, g, w, 1, meanFast, invFast, batchStats, gxFast, gwFast, gbFast);
        BatchNormReference.Backward(x, offset, gy, 1, g, w, 1, meanRef, invRef, batchStats, gxRef, gwRef, gbRef);
        Close(gwRef, gwFast, tol * 10, "gw");
        Close(gbRef, gbFast, tol * 10, "gb");
        Close(gxRef, gxFast, tol * 10, "gx");

        // Asking for fewer gradients gives the others the same bits.
        var gxOnly = new T[g.Size];
        BatchNormKernels.Backward(x, offset, gy, 1, g, w, 1, meanFast, invFast, batchStats, gxOnly, null, null);
        Assert.Equal(gxFast, gxOnly);
        var gwOnly = new T[c];
        BatchNormKernels.Backward(x, offset, gy, 1, g, w, 1, meanFast, invFast, batchStats, null, gwOnly, null);
        Assert.Equal(gwFast, gwOnly);
    }

    [Fact]
    public void ResultsDoNotDependOnThreadCount()
    {
        // 8 channels of 16·784 values: enough work to split across threads.
        var g = new BatchNormGeometry(16, 8, 784);
        var rng = new Random(5);
        var x = Values<float>(rng, g.Size, 1, 3);
        var gy = Values<float>(rng, g.Size, 0, 1);
        var w = Values<float>(rng, g.C, 1, 0.5);
        var b = Values<float>(rng, g.C, 0, 0.5);
        (float[] Y, float[] Gx, float[] Gw, float[] Rm) Run(int threads)
        {
            int saved = CpuParallel.ThreadCount;
            try
            {
                CpuParallel.ThreadCount = threads;
                var rm = new float[g.C];
                var rv = new float[g.C];
                Array.Fill(rv, 1f);
                var y = new float[g.Size];
                double[] mean = new double[g.C], inv = new double[g.C];
                BatchNormKernels.Forward(x, 0, g, new BatchNormParams<float>(w, 0, b, 0, rm, 0, rv, 0), true, 0.1, 1e-5, y, mean, inv);
                var gx = new float[g.Size];
                var gw = new float[g.C];
                BatchNormKernels.Backward(x, 0, gy, 0, g, w, 0, mean, inv, true, gx, gw, null);
                return (y, gx, gw, rm);
            }
            finally
            {
                CpuParallel.ThreadCount = saved;
            }
        }
        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.Y, two.Y);
        Assert.Equal(one.Gx, two.Gx);
        Assert.Equal(one.Gw, two.Gw);
        Assert.Equal(one.Rm, two.Rm);
    }

    private static T[] Values<T>(Random rng, int length, double center, double spread) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new T[length];
        for (int i = 0; i < length; i++) a[i] = T.CreateTruncating(center + spread * (rng.NextDouble() * 2 - 1));
        return a;
    }

    private static void Close<T>(T[] expected, T[] actual, double tol, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateTruncating(expected[i]), a = double.CreateTruncating(actual[i]);
            Assert.True(Math.Abs(e - a) <= tol * (1 + Math.Abs(e)), $"{what}[{i}]: expected {e:G9}, got {a:G9}.");
        }
    }
}
