using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Lepton.Engine;

namespace Lepton.Bench;

/// <summary>
/// Times the convolution kernels alone on the reference CNN's shapes: preallocated buffers, no tensors, no autograd,
/// no allocation of outputs, so a before/after comparison sees the kernels and not the GC. The kernels are internal;
/// they are reached by reflection so the same bench runs against older builds of the engine.
/// </summary>
public static class ConvKernelTimes
{
    private static readonly Type Kernels = typeof(Tensor).Assembly.GetType("Lepton.Engine.Kernels.Conv2dKernels", throwOnError: true)!;
    private static readonly Type Geometry = typeof(Tensor).Assembly.GetType("Lepton.Engine.Kernels.ConvGeometry", throwOnError: true)!;
    private static readonly MethodInfo Forward = Kernels.GetMethod("Forward")!.MakeGenericMethod(typeof(float));
    private static readonly MethodInfo Backward = Kernels.GetMethod("Backward")!.MakeGenericMethod(typeof(float));

    /// <summary>Rows of the `ops` table for the conv kernels at batch 64 and batch 1.</summary>
    public static void Run(int reps)
    {
        Case("conv1 kernel fwd / bwd(dW,db) N=64", reps, n: 64, c: 1, hw: 28, o: 32, needX: false);
        Case("conv2 kernel fwd / bwd(all) N=64", reps, n: 64, c: 32, hw: 14, o: 64, needX: true);
        Case("conv2 kernel fwd / bwd(all) N=1", reps * 20, n: 1, c: 32, hw: 14, o: 64, needX: true);
    }

    private static void Case(string name, int reps, int n, int c, int hw, int o, bool needX)
    {
        // ConvGeometry(N, C, H, W, O, KH, KW, SH, SW, PH, PW, DH, DW, Groups): 3x3, stride 1, padding 1.
        var g = Activator.CreateInstance(Geometry, n, c, hw, hw, o, 3, 3, 1, 1, 1, 1, 1, 1, 1)!;
        var rng = new Random(1);
        float[] Fill(int size) { var a = new float[size]; for (int i = 0; i < size; i++) a[i] = (float)(rng.NextDouble() - 0.5); return a; }
        var x = Fill(n * c * hw * hw);
        var w = Fill(o * c * 9);
        var b = Fill(o);
        var y = new float[n * o * hw * hw];
        var gy = Fill(y.Length);
        var gx = needX ? new float[x.Length] : null;
        var gw = new float[w.Length];
        var gb = new float[o];
        object?[] fwdArgs = ForwardArgs(Forward, [x, 0, w, 0, b, 0, g, y, null]); // null: no prepacked weight panels
        object?[] bwdArgs = [x, 0, w, 0, gy, g, gx, gw, gb];
        var fwd = Time(reps, () => Forward.Invoke(null, fwdArgs));
        var bwd = Time(reps, () =>
        {
            if (gx is not null) Array.Clear(gx);
            Backward.Invoke(null, bwdArgs);
        });
        Console.WriteLine($"{name,-38} fwd best {fwd.best,7:F3} median {fwd.median,7:F3} cpu {fwd.cpu,7:F3}   " +
            $"bwd best {bwd.best,7:F3} median {bwd.median,7:F3} cpu {bwd.cpu,7:F3} ms");
    }

    /// <summary>
    /// args, then the defaults of any optional parameters a newer engine's Forward has beyond them (so the bench still
    /// reaches older and newer builds by reflection).
    /// </summary>
    internal static object?[] ForwardArgs(MethodInfo forward, object?[] args)
    {
        var parameters = forward.GetParameters();
        return [.. args, .. parameters.Skip(args.Length).Select(p => p.DefaultValue)];
    }

    // best and median wall time, and the least CPU time of the calling thread: with LEPTON_THREADS=1 all the work runs
    // on it, and its CPU time does not count the waits for a core that a busy shared machine adds to the wall time.
    private static (double best, double median, double cpu) Time(int reps, Action call)
    {
        for (int i = 0; i < 3; i++) call();
        var t = new double[reps];
        double cpu = double.MaxValue;
        for (int i = 0; i < reps; i++)
        {
            double c0 = ThreadCpuMs();
            long t0 = Stopwatch.GetTimestamp();
            call();
            t[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            cpu = Math.Min(cpu, ThreadCpuMs() - c0);
        }
        Array.Sort(t);
        return (t[0], t[reps / 2], cpu);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID on Linux

    private static double ThreadCpuMs() =>
        OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTime, out var ts) == 0 ? ts.Seconds * 1e3 + ts.Nanoseconds / 1e6 : 0;
}
