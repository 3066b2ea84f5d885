using System.Diagnostics;
using Lepton.Engine;
using Lepton.Engine.Threading;
using Lepton.NN;
using Lepton.NN.Presets;
using Lepton.Runtime;
using Lepton.Training.Workflows;

namespace Lepton.Bench;

/// <summary>
/// Inference speed of the reference CNN through the serving path, <see cref="Inference.Forward"/> on a model prepared for inference (eval mode, NoGrad, packed weights), on
/// Fashion-MNIST test images: latency of single-image forwards (p50, p99, managed bytes allocated per forward) and images/s
/// at batch 256. The Lepton half of bench/compare.sh; bench/reference/engine_compare.py measures PyTorch the same way.
/// </summary>
public static class InferSpeed
{
    /// <summary>`infer-latency [forwards=2000] [warmup=200]`; returns the process exit code.</summary>
    public static int Latency(string[] args)
    {
        int forwards = args.Length > 0 ? int.Parse(args[0]) : 2000;
        int warmup = args.Length > 1 ? int.Parse(args[1]) : 200;
        const int testCount = 10_000;
        var data = FashionSlice.Load(train: false, testCount);
        // Prepared as lepton serve prepares a loaded version: eval mode, read-only weights kept packed.
        var model = ModelPresets.Build("cnn", rng: new Generator(0)).PrepareForInference();
        var inputs = new Tensor[testCount];
        for (int i = 0; i < testCount; i++) inputs[i] = data.Batch(i, 1).X;

        for (int i = 0; i < warmup; i++) CheckNoGraph(Inference.Forward(model, inputs[i % testCount], batchSize: 1), model);
        double peakSetup = PeakMemory.PeakMiB();
        bool reset = PeakMemory.Reset();
        var times = new double[forwards];
        long threadBytes0 = GC.GetAllocatedBytesForCurrentThread();
        long allBytes0 = GC.GetTotalAllocatedBytes(precise: true);
        int gen0 = GC.CollectionCount(0);
        for (int i = 0; i < forwards; i++)
        {
            var x = inputs[(warmup + i) % testCount];
            long t0 = Stopwatch.GetTimestamp();
            Inference.Forward(model, x, batchSize: 1);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        long threadBytes = GC.GetAllocatedBytesForCurrentThread() - threadBytes0;
        long allBytes = GC.GetTotalAllocatedBytes(precise: true) - allBytes0;
        Array.Sort(times);
        BenchResult.Print(new
        {
            Mode = "infer-latency",
            Threads = CpuParallel.ThreadCount,
            Batch = 1,
            Forwards = forwards,
            P50Ms = BenchResult.Quantile(times, 0.50),
            P99Ms = BenchResult.Quantile(times, 0.99),
            MeanMs = times.Average(),
            BytesPerForwardThisThread = threadBytes / (double)forwards,
            BytesPerForwardAllThreads = allBytes / (double)forwards,
            Gen0PerForward = (GC.CollectionCount(0) - gen0) / (double)forwards,
            PeakMibSetup = peakSetup,
            PeakMibTimed = reset ? PeakMemory.PeakMiB() : 0,
            PeakMibProcess = Math.Max(peakSetup, PeakMemory.PeakMiB()),
        });
        return 0;
    }

    /// <summary>`infer-throughput [batches=40] [warmup=4] [batch=256]`; returns the process exit code.</summary>
    public static int Throughput(string[] args)
    {
        int batches = args.Length > 0 ? int.Parse(args[0]) : 40;
        int warmup = args.Length > 1 ? int.Parse(args[1]) : 4;
        int batch = args.Length > 2 ? int.Parse(args[2]) : 256;
        var data = FashionSlice.Load(train: false, 10_000);
        int perPass = 10_000 / batch;
        // Prepared as lepton serve prepares a loaded version: eval mode, read-only weights kept packed.
        var model = ModelPresets.Build("cnn", rng: new Generator(0)).PrepareForInference();

        for (int i = 0; i < warmup; i++) CheckNoGraph(Inference.Forward(model, data.Batch(i % perPass * batch, batch).X, batch), model);
        double peakSetup = PeakMemory.PeakMiB();
        bool reset = PeakMemory.Reset();
        long allBytes0 = GC.GetTotalAllocatedBytes(precise: true);
        var times = new double[batches];
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < batches; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Inference.Forward(model, data.Batch((warmup + i) % perPass * batch, batch).X, batch);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long allBytes = GC.GetTotalAllocatedBytes(precise: true) - allBytes0;
        Array.Sort(times);
        BenchResult.Print(new
        {
            Mode = "infer-throughput",
            Threads = CpuParallel.ThreadCount,
            Batch = batch,
            Batches = batches,
            ImagesPerS = batches * batch / seconds,
            MedianBatchMs = BenchResult.Quantile(times, 0.5),
            AllocatedMbPerBatch = allBytes / (double)batches / 1e6,
            PeakMibSetup = peakSetup,
            PeakMibTimed = reset ? PeakMemory.PeakMiB() : 0,
            PeakMibProcess = Math.Max(peakSetup, PeakMemory.PeakMiB()),
        });
        return 0;
    }

    // The measured path must be the serving path: no autograd graph on the output, and the model back in its own mode.
    private static void CheckNoGraph(Tensor output, Module model)
    {
        if (output.Node is not null || output.RequiresGrad)
            throw new InvalidOperationException("Inference.Forward returned a tensor with an autograd graph; the benchmark would measure training work.");
        if (model.IsTraining)
            throw new InvalidOperationException("Inference.Forward left a prepared model in training mode; it must restore the caller's mode.");
    }
}
