using System.Diagnostics;
using Lepton.Compression.Quantization;
using Lepton.Engine;
using Lepton.Engine.Threading;
using Lepton.NN;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;
using Lepton.Runtime;
using Lepton.Training.Optimizers;

namespace Lepton.Bench;

/// <summary>
/// Int8 against float32 on the reference CNN and Fashion-MNIST, the Lepton half of bench/quantize/run.sh: trains the float
/// model (Adam 1e-3, batches of 64; kept in a folder so later runs and the PyTorch script use the same weights), quantizes
/// it with <see cref="ModelQuantizer"/> calibrated on the first training images, then alternates timed passes of both models
/// at batch 256 over the test split (images/s, median of the passes) and blocks of batch-1 forwards (p50, p99), and reports both
/// models' top-1 on all 10,000 test images.
/// </summary>
public static class QuantizeSpeed
{
    /// <summary>`quantize MODEL_DIR [epochs=2] [passes=5] [batches=20] [calibration=512] [method=percentile]`; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        string folder = args.Length > 0 ? args[0] : Path.Combine("bench", "results", "quantize", "cnn-float");
        int epochs = args.Length > 1 ? int.Parse(args[1]) : 2;
        int passes = args.Length > 2 ? int.Parse(args[2]) : 5;
        int batches = args.Length > 3 ? int.Parse(args[3]) : 20;
        int calibration = args.Length > 4 ? int.Parse(args[4]) : 512;
        var method = CalibrationMethods.Parse(args.Length > 5 ? args[5] : "percentile");
        const int batch = 256;

        var model = TrainedFloat(folder, epochs);
        var calib = FashionSlice.Load(train: true, calibration);
        var batchesIn = Enumerable.Range(0, (calibration + batch - 1) / batch)
            .Select(i => calib.Batch(i * batch, Math.Min(batch, calibration - i * batch)).X).ToList();
        long q0 = Stopwatch.GetTimestamp();
        var quantized = ModelQuantizer.Quantize(model, batchesIn, new QuantizeOptions(method, calibration)).Model;
        double quantizeSeconds = Stopwatch.GetElapsedTime(q0).TotalSeconds;

        var test = FashionSlice.Load(train: false, 10_000);
        var floatModel = model.PrepareForInference();
        var int8Model = quantized.PrepareForInference();
        double floatAccuracy = Accuracy(floatModel, test), int8Accuracy = Accuracy(int8Model, test);

        // Warm both (tiered JIT), then alternate float and int8 passes so both see the same load.
        Time(floatModel, test, batches, batch);
        Time(int8Model, test, batches, batch);
        var floatRates = new double[passes];
        var int8Rates = new double[passes];
        for (int p = 0; p < passes; p++)
        {
            floatRates[p] = Time(floatModel, test, batches, batch);
            int8Rates[p] = Time(int8Model, test, batches, batch);
        }
        Array.Sort(floatRates);
        Array.Sort(int8Rates);
        double f = BenchResult.Quantile(floatRates, 0.5), q = BenchResult.Quantile(int8Rates, 0.5);
        var (floatLatency, int8Latency) = (new List<double>(), new List<double>());
        for (int p = 0; p < passes; p++)
        {
            Latencies(floatModel, test, 400, p, floatLatency);
            Latencies(int8Model, test, 400, p, int8Latency);
        }
        double[] fl = [.. floatLatency.Order()], ql = [.. int8Latency.Order()];
        BenchResult.Print(new
        {
            Mode = "quantize-cnn",
            Threads = CpuParallel.ThreadCount,
            Batch = batch,
            Method = method.Name(),
            CalibrationImages = calibration,
            QuantizeSeconds = quantizeSeconds,
            FloatImagesPerS = f,
            Int8ImagesPerS = q,
            Speedup = q / f,
            FloatImagesPerSAll = floatRates,
            Int8ImagesPerSAll = int8Rates,
            FloatBatch1P50Ms = BenchResult.Quantile(fl, 0.5),
            Int8Batch1P50Ms = BenchResult.Quantile(ql, 0.5),
            FloatBatch1P99Ms = BenchResult.Quantile(fl, 0.99),
            Int8Batch1P99Ms = BenchResult.Quantile(ql, 0.99),
            FloatAccuracy = floatAccuracy,
            Int8Accuracy = int8Accuracy,
            DropPoints = (floatAccuracy - int8Accuracy) * 100,
        });
        return 0;
    }

    /// <summary>`quantize-layers MODEL_DIR [reps=20] [batch=256]`: each layer of both models alone (median ms), to see where int8 time goes.</summary>
    public static int Layers(string[] args)
    {
        string folder = args.Length > 0 ? args[0] : Path.Combine("bench", "results", "quantize", "cnn-float");
        int reps = args.Length > 1 ? int.Parse(args[1]) : 20;
        int batch = args.Length > 2 ? int.Parse(args[2]) : 256;
        var model = TrainedFloat(folder, 1);
        var calib = FashionSlice.Load(train: true, 256);
        var int8 = ModelQuantizer.Quantize(model, [calib.Images], new QuantizeOptions()).Model;
        var x = FashionSlice.Load(train: false, batch).Images;
        foreach (var (name, m) in new[] { ("float", model), ("int8", int8) })
        {
            m.PrepareForInference();
            m.Eval();
            var times = new double[m.Count][];
            for (int i = 0; i < m.Count; i++) times[i] = new double[reps];
            using var _ = new Lepton.Engine.Autograd.NoGrad();
            var pool = new Lepton.Engine.Memory.TensorPool();
            for (int r = -3; r < reps; r++)
            {
                using var scope = pool.BeginScope();
                var cur = x;
                for (int i = 0; i < m.Count; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    cur = m[i].Forward(cur);
                    if (r >= 0) times[i][r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                }
            }
            double sum = 0;
            for (int i = 0; i < m.Count; i++)
            {
                Array.Sort(times[i]);
                double median = BenchResult.Quantile(times[i], 0.5);
                sum += median;
                Console.WriteLine($"{name,-6} {i,2} {m[i].TypeName,-16} median {median,9:F3} ms  best {times[i][0],9:F3} ms");
            }
            Console.WriteLine($"{name,-6} sum {sum:F3} ms per batch of {batch}");
            // The fused blocks as a forward runs them: conv+relu+pool, conv+relu+pool, flatten+linear+relu+linear.
            var segments = new[] { new Sequential(m[0], m[1], m[2]), new Sequential(m[3], m[4], m[5]), new Sequential(m[6], m[7], m[8], m[9]) };
            var segTimes = segments.Select(_ => new double[reps]).ToArray();
            for (int r = -3; r < reps; r++)
            {
                using var scope = pool.BeginScope();
                var cur = x;
                for (int i = 0; i < segments.Length; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    cur = segments[i].Forward(cur);
                    if (r >= 0) segTimes[i][r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                }
            }
            for (int i = 0; i < segments.Length; i++)
            {
                Array.Sort(segTimes[i]);
                Console.WriteLine($"{name,-6} fused block {i} median {BenchResult.Quantile(segTimes[i], 0.5),9:F3} ms  best {segTimes[i][0],9:F3} ms");
            }
        }
        return 0;
    }

    // The float CNN from its folder, or trained for `epochs` over the 60,000 training images and saved there.
    private static Sequential TrainedFloat(string folder, int epochs)
    {
        if (File.Exists(Path.Combine(folder, ModelFile.WeightsFileName)))
            return (Sequential)ModelFile.Load(folder).Model;
        var model = ModelPresets.Build("cnn", rng: new Generator(0));
        var step = new TrainingStep(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: 1e-3)));
        var data = FashionSlice.Load(train: true, 60_000);
        long t0 = Stopwatch.GetTimestamp();
        for (int e = 0; e < epochs; e++)
            for (int i = 0; i + 64 <= 60_000; i += 64)
            {
                var (x, y) = data.Batch(i, 64);
                step.Run(x, y);
            }
        Console.Error.WriteLine($"trained the float CNN for {epochs} epochs in {Stopwatch.GetElapsedTime(t0).TotalSeconds:F1} s");
        model.Eval();
        ModelFile.Save(folder, model, new ModelSpec { Input = new InputSpec("x", [-1, 1, 28, 28]), ClassNames = [.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))] });
        return model;
    }

    private static double Time(Module model, FashionSlice data, int batches, int batch)
    {
        int perPass = data.Images.Shape[0] / batch;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < batches; i++) Inference.Forward(model, data.Batch(i % perPass * batch, batch).X, batch);
        return batches * batch / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    // One block of batch-1 forwards (a served request each) on test images, after warming this model's caches.
    private static void Latencies(Module model, FashionSlice data, int forwards, int pass, List<double> into)
    {
        for (int i = 0; i < 100; i++) Inference.Forward(model, data.Batch(i, 1).X, 1);
        for (int i = 0; i < forwards; i++)
        {
            var x = data.Batch((pass * forwards + i) % data.Images.Shape[0], 1).X;
            long t0 = Stopwatch.GetTimestamp();
            Inference.Forward(model, x, 1);
            into.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
    }

    private static double Accuracy(Module model, FashionSlice data)
    {
        var logits = Inference.Forward(model, data.Images, 256).ToArray();
        var labels = data.Labels.ToIntArray();
        int right = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int best = 0;
            for (int j = 1; j < 10; j++) if (logits[i * 10 + j] > logits[i * 10 + best]) best = j;
            if (best == labels[i]) right++;
        }
        return (double)right / labels.Length;
    }
}
