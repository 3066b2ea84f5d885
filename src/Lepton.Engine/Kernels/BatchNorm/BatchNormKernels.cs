using System.Numerics;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Batch normalization of x viewed as (N,C,S), S the product of the axes after the channel axis: per channel, a
/// two-pass mean and biased variance accumulated in double, then y = (x − mean)·(w·invstd) + b in one pass; the
/// backward in closed form from the kept mean and inverse std. Each channel is done by one thread, in a fixed order,
/// so the results do not depend on the thread count. Same math as <see cref="BatchNormReference"/>.
/// </summary>
internal static unsafe class BatchNormKernels
{
    /// <summary>
    /// The batch statistics of training need two values per channel at least; the message BatchNorm has always given.
    /// </summary>
    public static void CheckTrainingBatch(bool training, Shape x)
    {
        long count = (long)x.Size / Math.Max(1, x[1]);
        if (training && count <= 1)
            throw new ArgumentException($"BatchNorm in training mode needs more than one value per channel, got input {x}. Use a batch larger than 1 or call Eval().");
    }

    // x: (N,C,S) at xOffset → y: (N,C,S) at 0; mean, invstd: (C), kept for the backward. With batchStats the batch
    // mean and biased variance normalize, and running statistics (when given) move by momentum with the unbiased
    // variance, in place, as PyTorch; otherwise the running statistics normalize.
    public static void Forward<T>(T[] x, int xOffset, BatchNormGeometry g, in BatchNormParams<T> p, bool batchStats,
        double momentum, double eps, T[] y, double[] mean, double[] invstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        g.CheckBuffers(x.Length - xOffset, y.Length, mean.Length, invstd.Length);
        p.Check(g.C, batchStats);
        var job = ForwardJob<T>.ForThread;
        (job.X, job.XOffset, job.G, job.P, job.BatchStats, job.Momentum, job.Eps, job.Y, job.Mean, job.InvStd) =
            (x, xOffset, g, p, batchStats, momentum, eps, y, mean, invstd);
        try
        {
            CpuParallel.For(g.C, 3L * g.N * g.S, job.Body);
        }
        finally
        {
            (job.X, job.P, job.Y, job.Mean, job.InvStd) = (null!, default, null!, null!, null!);
        }
    }

    // gy: (N,C,S) at gyOffset, x as in the forward → gx (N,C,S), gw, gb (C), each at 0 and each optional; every element
    // of those given is written. batchStats says how the forward normalized (the batch's statistics depend on x).
    public static void Backward<T>(T[] x, int xOffset, T[] gy, int gyOffset, BatchNormGeometry g, T[]? w, int wOffset,
        double[] mean, double[] invstd, bool batchStats, T[]? gx, T[]? gw, T[]? gb) where T : unmanaged, IFloatingPointIeee754<T>
    {
        g.CheckBuffers(x.Length - xOffset, gy.Length - gyOffset, mean.Length, invstd.Length);
        if ((gx is not null && gx.Length < g.Size) || (gw is not null && gw.Length < g.C) || (gb is not null && gb.Length < g.C)
            || (w is not null && w.Length - wOffset < g.C))
            throw new ArgumentException($"BatchNorm backward: buffers too small for {g}.");
        var job = BackwardJob<T>.ForThread;
        (job.X, job.XOffset, job.Gy, job.GyOffset, job.G, job.W, job.WOffset, job.Mean, job.InvStd, job.BatchStats, job.Gx, job.Gw, job.Gb) =
            (x, xOffset, gy, gyOffset, g, w, wOffset, mean, invstd, batchStats, gx, gw, gb);
        try
        {
            CpuParallel.For(g.C, 3L * g.N * g.S, job.Body);
        }
        finally
        {
            (job.X, job.Gy, job.W, job.Mean, job.InvStd, job.Gx, job.Gw, job.Gb) = (null!, null!, null, null!, null!, null, null, null);
        }
    }

    private sealed class ForwardJob<T> : SplitJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] private static ForwardJob<T>? t_job;

        public static ForwardJob<T> ForThread => t_job ??= new ForwardJob<T>();

        public T[] X = null!, Y = null!;
        public int XOffset;
        public BatchNormGeometry G;
        public BatchNormParams<T> P;
        public bool BatchStats;
        public double Momentum, Eps;
        public double[] Mean = null!, InvStd = null!;

        protected override void Run(int c0, int c1)
        {
            for (int c = c0; c < c1; c++) ForwardChannel(this, c);
        }
    }

    private sealed class BackwardJob<T> : SplitJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] private static BackwardJob<T>? t_job;

        public static BackwardJob<T> ForThread => t_job ??= new BackwardJob<T>();

        public T[] X = null!, Gy = null!;
        public T[]? W, Gx, Gw, Gb;
        public int XOffset, GyOffset, WOffset;
        public BatchNormGeometry G;
        public bool BatchStats;
        public double[] Mean = null!, InvStd = null!;

        protected override void Run(int c0, int c1)
        {
            for (int c = c0; c < c1; c++) BackwardChannel(this, c);
        }
    }

    private static void ForwardChannel<T>(ForwardJob<T> j, int c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = j.G;
        ref readonly var p = ref j.P;
        long plane = (long)g.C * g.S, count = (long)g.N * g.S;
        double mu, istd;
        fixed (T* px = j.X, py = j.Y)
        {
            T* x0 = px + j.XOffset + (long)c * g.S;
            if (j.BatchStats)
            {
                double sum = 0;
                for (int n = 0; n < g.N; n++) sum += BatchNormSimd.Sum(x0 + n * plane, g.S);
                mu = sum / count;
                double squares = 0;
                for (int n = 0; n < g.N; n++) squares += BatchNormSimd.SumSquaredDeviations(x0 + n * plane, g.S, mu);
                double variance = squares / count;
                istd = 1 / Math.Sqrt(variance + j.Eps);
                if (p.RunningMean is not null)
                {
                    ref T rm = ref p.RunningMean[p.RunningMeanOffset + c];
                    ref T rv = ref p.RunningVar![p.RunningVarOffset + c];
                    double unbiased = variance * count / (count - 1);
                    rm = T.CreateTruncating((1 - j.Momentum) * double.CreateTruncating(rm) + j.Momentum * mu);
                    rv = T.CreateTruncating((1 - j.Momentum) * double.CreateTruncating(rv) + j.Momentum * unbiased);
                }
            }
            else
            {
                mu = double.CreateTruncating(p.RunningMean![p.RunningMeanOffset + c]);
                istd = 1 / Math.Sqrt(double.CreateTruncating(p.RunningVar![p.RunningVarOffset + c]) + j.Eps);
            }
            j.Mean[c] = mu;
            j.InvStd[c] = istd;
            var (m, scale, shift) = Affine(p, c, mu, istd);
            T* y0 = py + (long)c * g.S;
            for (int n = 0; n < g.N; n++) BatchNormSimd.Normalize(x0 + n * plane, y0 + n * plane, g.S, m, scale, shift);
        }
    }

    /// <summary>The per-channel constants of y = (x − m)·scale + shift.</summary>
    internal static (T M, T Scale, T Shift) Affine<T>(in BatchNormParams<T> p, int c, double mu, double istd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double w = p.Weight is null ? 1 : double.CreateTruncating(p.Weight[p.WeightOffset + c]);
        T shift = p.Bias is null ? T.Zero : p.Bias[p.BiasOffset + c];
        return (T.CreateTruncating(mu), T.CreateTruncating(w * istd), shift);
    }

    private static void BackwardChannel<T>(BackwardJob<T> j, int c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = j.G;
        long plane = (long)g.C * g.S, count = (long)g.N * g.S;
        double mu = j.Mean[c], istd = j.InvStd[c];
        double w = j.W is null ? 1 : double.CreateTruncating(j.W[j.WOffset + c]);
        fixed (T* px = j.X, pgy = j.Gy, pgx = j.Gx)
        {
            T* x0 = px + j.XOffset + (long)c * g.S;
            T* gy0 = pgy + j.GyOffset + (long)c * g.S;
            // Σgy and Σgy·(x − mean); Σgy·x̂ = invstd·the latter.
            double sumGy = 0, sumGyDev = 0;
            if (j.Gw is not null || j.Gb is not null || (j.Gx is not null && j.BatchStats))
            {
                for (int n = 0; n < g.N; n++)
                {
                    var (s, sd) = BatchNormSimd.SumGyAndGyDeviation(gy0 + n * plane, x0 + n * plane, g.S, mu);
                    sumGy += s;
                    sumGyDev += sd;
                }
            }
            double sumGyXhat = sumGyDev * istd;
            if (j.Gw is not null) j.Gw[c] = T.CreateTruncating(sumGyXhat);
            if (j.Gb is not null) j.Gb[c] = T.CreateTruncating(sumGy);
            if (pgx == null) return;
            T* gx0 = pgx + (long)c * g.S;
            double a = w * istd;
            if (!j.BatchStats)
            {
                // The running statistics are constants: gx = w·invstd·gy.
                for (int n = 0; n < g.N; n++) BatchNormSimd.Scale(gy0 + n * plane, gx0 + n * plane, g.S, T.CreateTruncating(a));
                return;
            }
            // gx = (w·invstd/M)·(M·gy − Σgy − x̂·Σ(gy·x̂)) = a·gy + b·(x − mean) + d.
            T ta = T.CreateTruncating(a);
            T tb = T.CreateTruncating(-a * istd * sumGyXhat / count);
            T td = T.CreateTruncating(-a * sumGy / count);
            T tm = T.CreateTruncating(mu);
            for (int n = 0; n < g.N; n++)
                BatchNormSimd.InputGradient(gy0 + n * plane, x0 + n * plane, gx0 + n * plane, g.S, ta, tb, tm, td);
        }
    }
}

/// <summary>x viewed as (N,C,S): batch, channels, and the product of the axes after the channel axis.</summary>
internal readonly record struct BatchNormGeometry(int N, int C, int S)
{
    public int Size => N * C * S;

    public static BatchNormGeometry Of(Shape x) => new(x[0], x[1], x.Size / Math.Max(1, x[0] * x[1]));

    public void CheckBuffers(long xLength, long yLength, int meanLength, int invStdLength)
    {
        if (xLength < Size || yLength < Size || meanLength < C || invStdLength < C)
            throw new ArgumentException($"BatchNorm: buffers too small for {this}.");
    }
}

/// <summary>The optional per-channel tensors of a batch norm, each (C) at its offset: weight, bias, running mean and variance.</summary>
internal readonly record struct BatchNormParams<T>(
    T[]? Weight, int WeightOffset, T[]? Bias, int BiasOffset,
    T[]? RunningMean, int RunningMeanOffset, T[]? RunningVar, int RunningVarOffset) where T : unmanaged
{
    public void Check(int c, bool batchStats)
    {
        if (Short(Weight, WeightOffset, c) || Short(Bias, BiasOffset, c) || Short(RunningMean, RunningMeanOffset, c) || Short(RunningVar, RunningVarOffset, c))
            throw new ArgumentException($"BatchNorm: a per-channel buffer holds fewer than {c} values.");
        if ((RunningMean is null) != (RunningVar is null))
            throw new ArgumentException("BatchNorm: give both running statistics or neither.");
        if (!batchStats && RunningMean is null)
            throw new ArgumentException("BatchNorm: normalizing with running statistics needs them.");
    }

    private static bool Short(T[]? a, int offset, int c) => a is not null && (offset < 0 || a.Length - offset < c);
}
