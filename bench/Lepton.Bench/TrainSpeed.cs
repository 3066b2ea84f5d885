using System.Diagnostics;
using Lepton.Engine;
using Lepton.Engine.Threading;
using Lepton.NN.Presets;
using Lepton.Training.Optimizers;

namespace Lepton.Bench;

/// <summary>
/// Training throughput on real Fashion-MNIST batches, the Lepton half of bench/compare.sh: a preset (<c>cnn</c> or <c>mlp</c>),
/// Adam 1e-3, batches of 64 taken as consecutive slices of the training split, <c>warmup</c> steps, then <c>batches</c> timed
/// steps (forward, cross-entropy, backward, Adam: the step of <see cref="CnnStep"/>). Reports images/s over the timed steps,
/// the median step, managed allocation and GCs per step, and peak resident memory.
/// </summary>
public static class TrainSpeed
{
    /// <summary>`train [preset=cnn] [batches=200] [warmup=20] [batch=64] [planned|recorded]`; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        string preset = args.Length > 0 ? args[0] : "cnn";
        int batches = args.Length > 1 ? int.Parse(args[1]) : 200;
        int warmup = args.Length > 2 ? int.Parse(args[2]) : 20;
        int batch = args.Length > 3 ? int.Parse(args[3]) : 64;
        bool recorded = args.Length > 4 && args[4] == "recorded";
        var data = FashionSlice.Load(train: true, (warmup + batches) * batch);
        var model = ModelPresets.Build(preset, rng: new Generator(0));
        var step = new TrainingStep(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: 1e-3)), recorded);
        // The batches are views made before timing, so the allocation figure is the step's own.
        var prepared = Enumerable.Range(0, warmup + batches).Select(i => data.Batch(i * batch, batch)).ToArray();

        for (int i = 0; i < warmup; i++)
        {
            var (x, y) = prepared[i];
            step.Run(x, y);
        }
        double peakSetup = PeakMemory.PeakMiB();
        bool reset = PeakMemory.Reset();
        var times = new double[batches];
        long bytes0 = GC.GetTotalAllocatedBytes(precise: true);
        int gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
        var pause0 = GC.GetTotalPauseDuration();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < batches; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var (x, y) = prepared[warmup + i];
            step.Run(x, y);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes0;
        Array.Sort(times);
        BenchResult.Print(new
        {
            Mode = $"{preset}-train",
            Step = step.Kind,
            Threads = CpuParallel.ThreadCount,
            Batch = batch,
            Batches = batches,
            Warmup = warmup,
            Seconds = seconds,
            ImagesPerS = batches * batch / seconds,
            MedianStepMs = BenchResult.Quantile(times, 0.5),
            AllocatedMbPerStep = bytes / (double)batches / 1e6,
            Gen0PerStep = (GC.CollectionCount(0) - gen0) / (double)batches,
            Gen2PerStep = (GC.CollectionCount(2) - gen2) / (double)batches,
            GcPauseMsPerStep = (GC.GetTotalPauseDuration() - pause0).TotalMilliseconds / batches,
            PeakMibSetup = peakSetup,
            PeakMibTimed = reset ? PeakMemory.PeakMiB() : 0,
            PeakMibProcess = Math.Max(peakSetup, PeakMemory.PeakMiB()),
        });
        return 0;
    }
}
