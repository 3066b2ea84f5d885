using System.Diagnostics;
using Lepton.Engine;
using Lepton.Engine.Autograd;

namespace Lepton.Bench;

/// <summary>Times single ops of the reference CNN at batch 64 (forward, and forward+backward), then the conv kernels alone (<see cref="ConvKernelTimes"/>), best and median wall time of many calls, and
/// process CPU time per call (all threads; on a shared machine the wall time is mostly waiting for a core).</summary>
public static class OpTimes
{
    /// <summary>`ops [reps]`; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int reps = args.Length > 0 ? int.Parse(args[0]) : 100;
        var rng = new Generator(1);
        var a1 = Tensor.Randn(new Shape(64, 32, 28, 28), rng);
        var a2 = Tensor.Randn(new Shape(64, 64, 14, 14), rng);
        var x1 = Tensor.Randn(new Shape(64, 1, 28, 28), rng);
        var w1 = Tensor.Randn(new Shape(32, 1, 3, 3), rng).RequireGrad();
        var b1 = Tensor.Randn(new Shape(32), rng).RequireGrad();
        var x2 = Tensor.Randn(new Shape(64, 32, 14, 14), rng).RequireGrad();
        var w2 = Tensor.Randn(new Shape(64, 32, 3, 3), rng).RequireGrad();
        var b2 = Tensor.Randn(new Shape(64), rng).RequireGrad();
        Console.WriteLine($"{"op",-34} {"best ms",8} {"median ms",10} {"CPU ms",8} {"MB/call",8}");
        Time("maxpool2 (64,32,28,28) fwd", reps, () => { using var _ = new NoGrad(); a1.MaxPool2d(2, 2, 2, 2); });
        Time("maxpool2 (64,32,28,28) fwd+bwd", reps, () => FwdBwd(a1.Detach().RequireGrad(), t => t.MaxPool2d(2, 2, 2, 2)));
        Time("maxpool2 (64,64,14,14) fwd", reps, () => { using var _ = new NoGrad(); a2.MaxPool2d(2, 2, 2, 2); });
        Time("maxpool2 (64,64,14,14) fwd+bwd", reps, () => FwdBwd(a2.Detach().RequireGrad(), t => t.MaxPool2d(2, 2, 2, 2)));
        Time("conv1 1→32 3x3 p1 fwd", reps, () => { using var _ = new NoGrad(); x1.Conv2d(w1, b1, padH: 1, padW: 1); });
        Time("conv1 1→32 3x3 p1 fwd+bwd", reps, () => FwdBwd(x1, t => t.Conv2d(w1, b1, padH: 1, padW: 1)));
        Time("conv2 32→64 3x3 p1 fwd", reps, () => { using var _ = new NoGrad(); x2.Conv2d(w2, b2, padH: 1, padW: 1); });
        Time("conv2 32→64 3x3 p1 fwd+bwd", reps, () => FwdBwd(x2, t => t.Conv2d(w2, b2, padH: 1, padW: 1)));
        ConvKernelTimes.Run(reps);
        return 0;
    }

    private static void FwdBwd(Tensor x, Func<Tensor, Tensor> op)
    {
        var y = op(x);
        y.Backward(seed: Tensor.OnesLike(y));
    }

    private static void Time(string name, int reps, Action call)
    {
        for (int i = 0; i < 5; i++) call();
        var t = new double[reps];
        long bytes0 = GC.GetTotalAllocatedBytes(precise: true);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        for (int i = 0; i < reps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            t[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / reps;
        double mb = (GC.GetTotalAllocatedBytes(precise: true) - bytes0) / 1e6 / reps;
        Array.Sort(t);
        Console.WriteLine($"{name,-34} {t[0],8:F3} {t[reps / 2],10:F3} {cpuMs,8:F2} {mb,8:F2}");
    }
}
