using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Lepton.Engine;
using Lepton.Engine.Autograd;

namespace Lepton.Bench;

/// <summary>
/// `vision-ops [reps]`: the convolutions of the resnet and mobilenet presets on 64x64-input shapes (batch 64), each timed
/// with its direct path off ("before": the im2col path the engine took until issue 15) and on ("after"), alternating
/// rep by rep so both see the same machine load; medians in ms of forward + full backward (gx, gw, gb). Also global
/// average pooling (Mean over H, W) forward + backward through autograd. Kernels are reached by reflection (internal).
/// </summary>
public static class VisionKernelTimes
{
    private static readonly Assembly Engine = typeof(Tensor).Assembly;
    private static readonly Type Kernels = Engine.GetType("Lepton.Engine.Kernels.Conv2dKernels", throwOnError: true)!;
    private static readonly Type Geometry = Engine.GetType("Lepton.Engine.Kernels.ConvGeometry", throwOnError: true)!;
    private static readonly MethodInfo Forward = Kernels.GetMethod("Forward")!.MakeGenericMethod(typeof(float));
    private static readonly MethodInfo Backward = Kernels.GetMethod("Backward")!.MakeGenericMethod(typeof(float));

    public static int Run(string[] args)
    {
        int reps = args.Length > 0 ? int.Parse(args[0]) : 9;
        Console.WriteLine($"threads {Lepton.Engine.Threading.CpuParallel.ThreadCount}, medians of {reps} (ms of thread CPU time, forward + backward)");
        Console.WriteLine($"{"op",-44} {"before",9} {"after",9} {"speed-up",9}");
        Case("depthwise 3x3 s1 C=32 32x32", reps, 64, 32, 32, 32, k: 3, s: 1, p: 1, groups: 32, "ConvDepthwise");
        Case("depthwise 3x3 s2 C=64 32x32", reps, 64, 64, 32, 64, k: 3, s: 2, p: 1, groups: 64, "ConvDepthwise");
        Case("depthwise 3x3 s1 C=128 16x16", reps, 64, 128, 16, 128, k: 3, s: 1, p: 1, groups: 128, "ConvDepthwise");
        Case("depthwise 3x3 s2 C=128 16x16", reps, 64, 128, 16, 128, k: 3, s: 2, p: 1, groups: 128, "ConvDepthwise");
        Case("pointwise 1x1 s1 32->64 32x32", reps, 64, 32, 32, 64, k: 1, s: 1, p: 0, groups: 1, null);
        Case("pointwise 1x1 s1 128->128 16x16", reps, 64, 128, 16, 128, k: 1, s: 1, p: 0, groups: 1, null);
        Case("projection 1x1 s2 32->64 32x32", reps, 64, 32, 32, 64, k: 1, s: 2, p: 0, groups: 1, null);
        Case("projection 1x1 s2 64->128 16x16", reps, 64, 64, 16, 128, k: 1, s: 2, p: 0, groups: 1, null);
        Case("3x3 s2 32->64 32x32", reps, 64, 32, 32, 64, k: 3, s: 2, p: 1, groups: 1, null);
        Case("3x3 s2 64->128 16x16", reps, 64, 64, 16, 128, k: 3, s: 2, p: 1, groups: 1, null);
        GlobalAverage("global avg pool C=128 8x8 (Mean)", reps, 64, 128, 8, x => x.Mean([2, 3]));
        GlobalAverage("global avg pool C=128 8x8 (AdaptiveAvgPool2d)", reps, 64, 128, 8, x => x.AdaptiveAvgPool2d(1, 1));
        return 0;
    }

    private static void Case(string name, int reps, int n, int c, int hw, int o, int k, int s, int p, int groups, string? path)
    {
        var g = Activator.CreateInstance(Geometry, n, c, hw, hw, o, k, k, s, s, p, p, 1, 1, groups)!;
        int oh = (hw + 2 * p - k) / s + 1;
        var rng = new Random(1);
        float[] Fill(int size) { var a = new float[size]; for (int i = 0; i < size; i++) a[i] = (float)(rng.NextDouble() - 0.5); return a; }
        var x = Fill(n * c * hw * hw);
        var w = Fill(o * c / groups * k * k);
        var b = Fill(o);
        var y = new float[n * o * oh * oh];
        var gy = Fill(y.Length);
        var gx = new float[x.Length];
        var gw = new float[w.Length];
        var gb = new float[o];
        var flag = path is null ? null : Engine.GetType("Lepton.Engine.Kernels." + path, throwOnError: true)!
            .GetField("Disabled", BindingFlags.NonPublic | BindingFlags.Static)!;
        void Step()
        {
            Forward.Invoke(null, ConvKernelTimes.ForwardArgs(Forward, [x, 0, w, 0, b, 0, g, y, null]));
            Array.Clear(gx);
            Backward.Invoke(null, [x, 0, w, 0, gy, g, gx, gw, gb]);
        }
        var before = new double[reps];
        var after = new double[reps];
        for (int i = -2; i < reps; i++)
        {
            flag?.SetValue(null, true);
            double tb = Time(Step);
            flag?.SetValue(null, false);
            double ta = Time(Step);
            if (i < 0) continue;
            (before[i], after[i]) = (tb, ta);
        }
        Array.Sort(before);
        Array.Sort(after);
        double mb = before[reps / 2], ma = after[reps / 2];
        Console.WriteLine(path is null
            ? $"{name,-44} {"",9} {ma,9:F2} {"",9}"
            : $"{name,-44} {mb,9:F2} {ma,9:F2} {mb / ma,8:F1}x");
    }

    private static void GlobalAverage(string name, int reps, int n, int c, int hw, Func<Tensor, Tensor> pool)
    {
        var x = Tensor.Randn(new Shape(n, c, hw, hw), new Generator(1)).RequireGrad();
        var t = new double[reps];
        for (int i = -2; i < reps; i++)
        {
            double ms = Time(() => pool(x).Sum().Backward());
            if (i >= 0) t[i] = ms;
        }
        Array.Sort(t);
        Console.WriteLine($"{name,-44} {"",9} {t[reps / 2],9:F2} {"",9}");
    }

    // CPU time of the calling thread where it can be read (Linux), else wall time: run with LEPTON_THREADS=1 so all the work is
    // on this thread and a busy shared machine's waits for a core are not counted.
    private static double Time(Action a)
    {
        double c0 = ThreadCpuMs();
        long t0 = Stopwatch.GetTimestamp();
        a();
        double cpu = ThreadCpuMs() - c0;
        return cpu > 0 ? cpu : Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private static double ThreadCpuMs() =>
        OperatingSystem.IsLinux() && ClockGetTime(3, out var ts) == 0 ? ts.Seconds * 1e3 + ts.Nanoseconds / 1e6 : 0;
}
