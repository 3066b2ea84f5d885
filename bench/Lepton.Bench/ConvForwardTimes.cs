using System.Diagnostics;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Memory;
using Lepton.Engine.Threading;

namespace Lepton.Bench;

/// <summary>
/// `conv-forward [batch=256] [reps=10]`: each convolution of the mobilenet preset on 28x28 inputs, as a served model runs it
/// (read-only weights, NoGrad, pooled outputs): <c>Conv2d</c> and then ReLU over its output, against <c>Conv2dRelu</c> in one
/// pass, alternating rep by rep; medians in ms and the multiply-adds per second of the one-pass form.
/// </summary>
public static class ConvForwardTimes
{
    // (name, in channels, out channels, kernel, stride, input side, groups)
    private static readonly (string Name, int C, int O, int K, int S, int Side, int Groups)[] MobileNet =
    [
        ("stem 3x3 1->32", 1, 32, 3, 1, 28, 1),
        ("block1.dw 3x3 32", 32, 32, 3, 1, 28, 32),
        ("block1.pw 1x1 32->64", 32, 64, 1, 1, 28, 1),
        ("block2.dw 3x3 s2 64", 64, 64, 3, 2, 28, 64),
        ("block2.pw 1x1 64->128", 64, 128, 1, 1, 14, 1),
        ("block3.dw 3x3 128", 128, 128, 3, 1, 14, 128),
        ("block3.pw 1x1 128->128", 128, 128, 1, 1, 14, 1),
        ("block4.dw 3x3 s2 128", 128, 128, 3, 2, 14, 128),
        ("block4.pw 1x1 128->256", 128, 256, 1, 1, 7, 1),
        ("block5.dw 3x3 256", 256, 256, 3, 1, 7, 256),
        ("block5.pw 1x1 256->256", 256, 256, 1, 1, 7, 1),
    ];

    public static int Run(string[] args)
    {
        int batch = args.Length > 0 ? int.Parse(args[0]) : 256;
        int reps = args.Length > 1 ? int.Parse(args[1]) : 10;
        Console.WriteLine($"mobilenet convolutions, batch {batch}, {CpuParallel.ThreadCount} threads, medians of {reps} (ms)");
        Console.WriteLine($"{"layer",-24} {"conv, relu",11} {"conv+relu",10} {"GMAC/s",8}");
        double sumTwo = 0, sumOne = 0;
        foreach (var l in MobileNet)
        {
            var (two, one) = Case(l.C, l.O, l.K, l.S, l.Side, l.Groups, batch, reps);
            int side = (l.Side + 2 * (l.K / 2) - l.K) / l.S + 1;
            double macs = (double)batch * l.O * (l.C / l.Groups) * l.K * l.K * side * side;
            Console.WriteLine($"{l.Name,-24} {two,11:F3} {one,10:F3} {macs / one / 1e6,8:F1}");
            (sumTwo, sumOne) = (sumTwo + two, sumOne + one);
        }
        Console.WriteLine($"{"sum",-24} {sumTwo,11:F3} {sumOne,10:F3}");
        return 0;
    }

    private static (double Two, double One) Case(int c, int o, int k, int s, int side, int groups, int batch, int reps)
    {
        var rng = new Generator(1);
        var x = Tensor.Randn(new Shape(batch, c, side, side), rng);
        var w = Tensor.Randn(new Shape(o, c / groups, k, k), rng).Mul(0.2);
        var b = Tensor.Randn(new Shape(o), rng).Mul(0.1);
        w.Storage.MakeReadOnly();
        b.Storage.MakeReadOnly();
        int p = k / 2;
        using var _ = new NoGrad();
        var pool = new TensorPool();
        var two = new List<double>();
        var one = new List<double>();
        // Untimed rounds first, at least 40 and 300 ms: the JIT's tiering promotes the kernels after about 30 calls and a
        // 100 ms delay.
        long warm = Stopwatch.GetTimestamp();
        for (int r = -40; r < reps; r++)
        {
            if (r == -1 && Stopwatch.GetElapsedTime(warm).TotalMilliseconds < 300) r = -2;
            using (pool.BeginScope())
            {
                long t0 = Stopwatch.GetTimestamp();
                x.Conv2d(w, b, s, s, p, p, 1, 1, groups).Relu();
                if (r >= 0) two.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            using (pool.BeginScope())
            {
                long t0 = Stopwatch.GetTimestamp();
                x.Conv2dRelu(w, b, s, s, p, p, 1, 1, groups);
                if (r >= 0) one.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        }
        return (BenchResult.Quantile(two.Order().ToArray(), 0.5), BenchResult.Quantile(one.Order().ToArray(), 0.5));
    }
}
