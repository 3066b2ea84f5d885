using System.Numerics;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Plain loops for batch normalization, the textbook formulas in double, one element at a time: what
/// <see cref="BatchNormKernels"/> is tested against. Same arguments and outputs.
/// </summary>
internal static class BatchNormReference
{
    // x: (N,C,S) at xOffset → y: (N,C,S); mean, invstd: (C).
    public static void Forward<T>(T[] x, int xOffset, BatchNormGeometry g, in BatchNormParams<T> p, bool batchStats,
        double momentum, double eps, T[] y, double[] mean, double[] invstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = g.N * g.S;
        for (int c = 0; c < g.C; c++)
        {
            double mu, variance;
            if (batchStats)
            {
                mu = 0;
                for (int n = 0; n < g.N; n++)
                    for (int s = 0; s < g.S; s++) mu += double.CreateTruncating(x[xOffset + At(g, n, c, s)]);
                mu /= count;
                variance = 0;
                for (int n = 0; n < g.N; n++)
                    for (int s = 0; s < g.S; s++)
                    {
                        double d = double.CreateTruncating(x[xOffset + At(g, n, c, s)]) - mu;
                        variance += d * d;
                    }
                variance /= count;
                if (p.RunningMean is not null)
                {
                    ref T rm = ref p.RunningMean[p.RunningMeanOffset + c];
                    ref T rv = ref p.RunningVar![p.RunningVarOffset + c];
                    rm = T.CreateTruncating((1 - momentum) * double.CreateTruncating(rm) + momentum * mu);
                    rv = T.CreateTruncating((1 - momentum) * double.CreateTruncating(rv) + momentum * variance * count / (count - 1));
                }
            }
            else
            {
                mu = double.CreateTruncating(p.RunningMean![p.RunningMeanOffset + c]);
                variance = double.CreateTruncating(p.RunningVar![p.RunningVarOffset + c]);
            }
            mean[c] = mu;
            invstd[c] = 1 / Math.Sqrt(variance + eps);
            double w = p.Weight is null ? 1 : double.CreateTruncating(p.Weight[p.WeightOffset + c]);
            double b = p.Bias is null ? 0 : double.CreateTruncating(p.Bias[p.BiasOffset + c]);
            for (int n = 0; n < g.N; n++)
                for (int s = 0; s < g.S; s++)
                {
                    int i = At(g, n, c, s);
                    y[i] = T.CreateTruncating((double.CreateTruncating(x[xOffset + i]) - mu) * invstd[c] * w + b);
                }
        }
    }

    // gx = (w·invstd/M)·(M·gy − Σgy − x̂·Σ(gy·x̂)) with batch statistics, w·invstd·gy with running ones;
    // gw = Σ(gy·x̂), gb = Σgy.
    public static void Backward<T>(T[] x, int xOffset, T[] gy, int gyOffset, BatchNormGeometry g, T[]? w, int wOffset,
        double[] mean, double[] invstd, bool batchStats, T[]? gx, T[]? gw, T[]? gb) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = g.N * g.S;
        for (int c = 0; c < g.C; c++)
        {
            double sumGy = 0, sumGyXhat = 0;
            for (int n = 0; n < g.N; n++)
                for (int s = 0; s < g.S; s++)
                {
                    int i = At(g, n, c, s);
                    double dy = double.CreateTruncating(gy[gyOffset + i]);
                    sumGy += dy;
                    sumGyXhat += dy * (double.CreateTruncating(x[xOffset + i]) - mean[c]) * invstd[c];
                }
            if (gw is not null) gw[c] = T.CreateTruncating(sumGyXhat);
            if (gb is not null) gb[c] = T.CreateTruncating(sumGy);
            if (gx is null) continue;
            double wc = w is null ? 1 : double.CreateTruncating(w[wOffset + c]);
            for (int n = 0; n < g.N; n++)
                for (int s = 0; s < g.S; s++)
                {
                    int i = At(g, n, c, s);
                    double dy = double.CreateTruncating(gy[gyOffset + i]);
                    double xhat = (double.CreateTruncating(x[xOffset + i]) - mean[c]) * invstd[c];
                    gx[i] = T.CreateTruncating(batchStats
                        ? wc * invstd[c] / count * (count * dy - sumGy - xhat * sumGyXhat)
                        : wc * invstd[c] * dy);
                }
        }
    }

    private static int At(BatchNormGeometry g, int n, int c, int s) => (n * g.C + c) * g.S + s;
}
