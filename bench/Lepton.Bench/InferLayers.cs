using System.Diagnostics;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Memory;
using Lepton.Engine.Threading;
using Lepton.NN.Presets;

namespace Lepton.Bench;

/// <summary>
/// Where an inference forward of a preset spends its time: each layer timed alone in eval mode under NoGrad (median and best
/// over <c>reps</c> forwards, each in a pooled TensorScope) with the managed bytes it allocates, for the latency rows of bench/compare.sh.
/// </summary>
public static class InferLayers
{
    /// <summary>`infer-layers [preset=cnn] [batch=1] [reps=2000]`; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        string preset = args.Length > 0 ? args[0] : "cnn";
        int batch = args.Length > 1 ? int.Parse(args[1]) : 1;
        int reps = args.Length > 2 ? int.Parse(args[2]) : 2000;
        var model = ModelPresets.Build(preset, rng: new Generator(0));
        model.PrepareForInference();
        var x = Tensor.Randn(new Shape(batch, 1, 28, 28), new Generator(1));
        int n = model.Count;
        var times = new double[n][];
        var bytes = new long[n];
        for (int i = 0; i < n; i++) times[i] = new double[reps];
        using var _ = new NoGrad();
        // Each forward's buffers come from a pool, as in Workflows/Inference.Forward.
        var pool = new TensorPool();
        for (int r = -reps / 10; r < reps; r++)
        {
            using var scope = pool.BeginScope();
            var cur = x;
            for (int i = 0; i < n; i++)
            {
                long b0 = GC.GetAllocatedBytesForCurrentThread();
                long t0 = Stopwatch.GetTimestamp();
                cur = model[i].Forward(cur);
                double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (r < 0) continue;
                times[i][r] = ms;
                bytes[i] += GC.GetAllocatedBytesForCurrentThread() - b0;
            }
        }
        Console.WriteLine($"{preset} inference forward by layer, batch {batch}, {CpuParallel.ThreadCount} threads, {reps} forwards (eval, NoGrad)");
        Console.WriteLine($"{"layer",-4} {"type",-10} {"median ms",10} {"best ms",9} {"bytes/call",11}");
        double sumMedian = 0;
        for (int i = 0; i < n; i++)
        {
            Array.Sort(times[i]);
            double median = BenchResult.Quantile(times[i], 0.5);
            sumMedian += median;
            Console.WriteLine($"{i,-4} {model[i].TypeName,-10} {median,10:F4} {times[i][0],9:F4} {bytes[i] / (double)reps,11:F0}");
        }
        Console.WriteLine($"sum of medians {sumMedian:F4} ms");
        // The whole forward as served: Inference.Forward runs the layer chain with its fusions (conv + ReLU + pool in one pass).
        Whole("random input", _ => x);
        // Fashion-MNIST test images, one after another, as onnx-infer and a server see them.
        var data = FashionSlice.Load(train: false, 1000);
        var images = Enumerable.Range(0, 1000 / batch).Select(i => data.Batch(i * batch, batch).X).ToArray();
        Whole("Fashion-MNIST test images", r => images[(r + reps) % images.Length]);
        return 0;

        void Whole(string what, Func<int, Tensor> input)
        {
            var whole = new double[reps];
            for (int r = -reps / 10; r < reps; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Lepton.Runtime.Inference.Forward(model, input(r), batch);
                if (r >= 0) whole[r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
            Array.Sort(whole);
            Console.WriteLine($"Inference.Forward (fused), {what}: median {BenchResult.Quantile(whole, 0.5):F4} ms, best {whole[0]:F4} ms");
        }
    }
}
