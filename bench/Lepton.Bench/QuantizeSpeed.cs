using System.Diagnostics;
using Lepton.Compression.Onnx;
using Lepton.Compression.Quantization;
using Lepton.Engine;
using Lepton.Engine.Threading;
using Lepton.NN;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;
using Lepton.Runtime;
using Lepton.Runtime.Onnx;
using Lepton.Training.Optimizers;
using Microsoft.ML.OnnxRuntime;

namespace Lepton.Bench;

/// <summary>
/// Int8 against float32 on the reference CNN and Fashion-MNIST, the Lepton half of bench/quantize/run.sh: trains the float
/// model (Adam 1e-3, batches of 64; kept in a folder so later runs and the PyTorch script use the same weights), quantizes
/// it with <see cref="ModelQuantizer"/> calibrated on the first training images, every layer int8 (<see cref="LayerPrecision.All"/>)
/// and only the layers that are faster in int8 (<see cref="LayerPrecision.Faster"/>, the command's default), then alternates timed
/// passes of the three models at batch 256 over the test split (images/s, median of the passes) and blocks of batch-1 forwards
/// (p50, p99), and reports their top-1 on all 10,000 test images. ONNX Runtime runs the float model exported by
/// <see cref="OnnxExporter"/> in the same passes (its own intra-op threads, the same count; a 50 ms pause after each of its
/// passes so its spinning workers are idle when Lepton's next pass starts).
/// </summary>
public static class QuantizeSpeed
{
    /// <summary>
    /// `quantize MODEL_DIR [epochs=2] [passes=5] [batches=20] [calibration=512] [method=percentile] [preset=cnn]` (the preset is
    /// trained into MODEL_DIR when the folder has no model yet); returns the exit code.
    /// </summary>
    public static int Run(string[] args)
    {
        string folder = args.Length > 0 ? args[0] : Path.Combine("bench", "results", "quantize", "cnn-float");
        int epochs = args.Length > 1 ? int.Parse(args[1]) : 2;
        int passes = args.Length > 2 ? int.Parse(args[2]) : 5;
        int batches = args.Length > 3 ? int.Parse(args[3]) : 20;
        int calibration = args.Length > 4 ? int.Parse(args[4]) : 512;
        var method = CalibrationMethods.Parse(args.Length > 5 ? args[5] : "percentile");
        string preset = args.Length > 6 ? args[6] : "cnn";
        const int batch = 256;

        var model = TrainedFloat(folder, epochs, preset);
        var calib = FashionSlice.Load(train: true, calibration);
        var batchesIn = Enumerable.Range(0, (calibration + batch - 1) / batch)
            .Select(i => calib.Batch(i * batch, Math.Min(batch, calibration - i * batch)).X).ToList();
        long q0 = Stopwatch.GetTimestamp();
        var quantized = ModelQuantizer.Quantize(model, batchesIn, new QuantizeOptions(method, calibration, Layers: LayerPrecision.All)).Model;
        double quantizeSeconds = Stopwatch.GetElapsedTime(q0).TotalSeconds;
        long m0 = Stopwatch.GetTimestamp();
        var mixed = ModelQuantizer.Quantize(model, batchesIn, new QuantizeOptions(method, calibration, Layers: LayerPrecision.Faster));
        double mixedSeconds = Stopwatch.GetElapsedTime(m0).TotalSeconds;

        var test = FashionSlice.Load(train: false, 10_000);
        var onnx = OnnxExporter.Export(model, [new InputSpec("image", [-1, .. test.Images.Shape.ToArray()[1..]])], ["logits"]);
        using var ortOptions = OnnxRuntimeEnvironment.SessionOptions(CpuParallel.ThreadCount);
        using var ort = new InferenceSession(onnx, ortOptions);
        double ortAccuracy = OrtAccuracy(ort, test, batch);
        Module[] models = [model.PrepareForInference(), quantized.PrepareForInference(), mixed.Model.PrepareForInference()];
        var accuracy = models.Select(m => Accuracy(m, test)).ToArray();

        // Warm each (tiered JIT), then alternate passes so all see the same load.
        foreach (var m in models) Time(m, test, batches, batch);
        OrtTime(ort, test, batches, batch);
        var rates = models.Select(_ => new double[passes]).ToArray();
        var ortRates = new double[passes];
        for (int p = 0; p < passes; p++)
        {
            for (int m = 0; m < models.Length; m++) rates[m][p] = Time(models[m], test, batches, batch);
            ortRates[p] = OrtTime(ort, test, batches, batch);
        }
        foreach (var r in rates) Array.Sort(r);
        Array.Sort(ortRates);
        double ortMedian = BenchResult.Quantile(ortRates, 0.5);
        var median = rates.Select(r => BenchResult.Quantile(r, 0.5)).ToArray();
        var latency = models.Select(_ => new List<double>()).ToArray();
        for (int p = 0; p < passes; p++)
            for (int m = 0; m < models.Length; m++) Latencies(models[m], test, 400, p, latency[m]);
        var sorted = latency.Select(l => l.Order().ToArray()).ToArray();
        BenchResult.Print(new
        {
            Mode = "quantize-" + preset,
            Threads = CpuParallel.ThreadCount,
            Int8Kernels = Lepton.Engine.Kernels.Quantized.Int8Kernels.Available.ToString(),
            Avx512 = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated,
            Batch = batch,
            Method = method.Name(),
            CalibrationImages = calibration,
            QuantizeSeconds = quantizeSeconds,
            FloatImagesPerS = median[0],
            Int8ImagesPerS = median[1],
            Speedup = median[1] / median[0],
            FloatImagesPerSAll = rates[0],
            Int8ImagesPerSAll = rates[1],
            FloatBatch1P50Ms = BenchResult.Quantile(sorted[0], 0.5),
            Int8Batch1P50Ms = BenchResult.Quantile(sorted[1], 0.5),
            FloatBatch1P99Ms = BenchResult.Quantile(sorted[0], 0.99),
            Int8Batch1P99Ms = BenchResult.Quantile(sorted[1], 0.99),
            FloatAccuracy = accuracy[0],
            Int8Accuracy = accuracy[1],
            DropPoints = (accuracy[0] - accuracy[1]) * 100,
            // --layers faster: int8 only where the model is then no slower on this machine.
            MixedQuantizeSeconds = mixedSeconds,
            MixedInt8Layers = mixed.Int8Layers.Select(l => l.Label).ToArray(),
            MixedImagesPerS = median[2],
            MixedSpeedup = median[2] / median[0],
            MixedImagesPerSAll = rates[2],
            MixedBatch1P50Ms = BenchResult.Quantile(sorted[2], 0.5),
            MixedBatch1P99Ms = BenchResult.Quantile(sorted[2], 0.99),
            MixedAccuracy = accuracy[2],
            MixedWeightBytes = WeightBytes(mixed.Model),
            OrtFloatImagesPerS = ortMedian,
            OrtFloatImagesPerSAll = ortRates,
            OrtFloatAccuracy = ortAccuracy,
            Int8OverOrt = median[1] / ortMedian,
            MixedOverOrt = median[2] / ortMedian,
            Int8WeightBytes = WeightBytes(quantized),
            FloatWeightBytes = WeightBytes(model),
        });
        return 0;
    }

    // Bytes of a model's state as saved (codes, scales, float tensors).
    private static long WeightBytes(Module model) => model.StateDict().Values.Sum(t => (long)t.Shape.Numel * t.DType.SizeOf());

    /// <summary>`quantize-layers MODEL_DIR [reps=20] [batch=256]`: each layer of both models alone (median ms), to see where int8 time goes.</summary>
    public static int Layers(string[] args)
    {
        string folder = args.Length > 0 ? args[0] : Path.Combine("bench", "results", "quantize", "cnn-float");
        int reps = args.Length > 1 ? int.Parse(args[1]) : 20;
        int batch = args.Length > 2 ? int.Parse(args[2]) : 256;
        var model = TrainedFloat(folder, 1, "cnn") as Sequential
            ?? throw new ArgumentException($"{folder} holds a graph model; quantize-layers times the layers of a Sequential.");
        var calib = FashionSlice.Load(train: true, 256);
        var int8 = (Sequential)ModelQuantizer.Quantize(model, [calib.Images], new QuantizeOptions(Layers: LayerPrecision.All)).Model;
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

    // The float model from its folder, or the preset trained for `epochs` over the 60,000 training images and saved there.
    private static Module TrainedFloat(string folder, int epochs, string preset)
    {
        if (File.Exists(Path.Combine(folder, ModelFile.WeightsFileName)))
            return ModelFile.Load(folder).Model;
        if (ModelPresets.GraphNames.Contains(preset))
            throw new ArgumentException($"{folder} has no model; train the {preset} preset with `lepton train --model {preset}` and pass its model folder.");
        var model = ModelPresets.Build(preset, rng: new Generator(0));
        var step = new TrainingStep(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: 1e-3)));
        var data = FashionSlice.Load(train: true, 60_000);
        long t0 = Stopwatch.GetTimestamp();
        for (int e = 0; e < epochs; e++)
            for (int i = 0; i + 64 <= 60_000; i += 64)
            {
                var (x, y) = data.Batch(i, 64);
                step.Run(x, y);
            }
        Console.Error.WriteLine($"trained the float {preset} for {epochs} epochs in {Stopwatch.GetElapsedTime(t0).TotalSeconds:F1} s");
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

    // ONNX Runtime over the same batches (copied to arrays once, outside the clock), then a pause: its idle intra-op workers
    // spin for about 20 ms after a Run.
    private static double OrtTime(InferenceSession session, FashionSlice data, int batches, int batch)
    {
        int perPass = data.Images.Shape[0] / batch;
        var inputs = Enumerable.Range(0, Math.Min(batches, perPass)).Select(i => data.Batch(i * batch, batch).X).Select(x => (x.ToArray(), x.Shape)).ToArray();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < batches; i++) OrtForward(session, inputs[i % inputs.Length].Item1, inputs[i % inputs.Length].Shape);
        double rate = batches * batch / Stopwatch.GetElapsedTime(start).TotalSeconds;
        Thread.Sleep(50);
        return rate;
    }

    // x: (n, ...) → logits (n, classes), through ORT's ordinary API as a server would call it.
    private static float[] OrtForward(InferenceSession session, float[] x, Shape shape)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(x, [.. shape.ToArray().Select(d => (long)d)]);
        using var run = new RunOptions();
        using var results = session.Run(run, ["image"], [input], ["logits"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static double OrtAccuracy(InferenceSession session, FashionSlice data, int batch)
    {
        var labels = data.Labels.ToIntArray();
        int right = 0;
        for (int start = 0; start < labels.Length; start += batch)
        {
            int n = Math.Min(batch, labels.Length - start);
            var x = data.Batch(start, n).X;
            var logits = OrtForward(session, x.ToArray(), x.Shape);
            for (int i = 0; i < n; i++)
            {
                int best = 0;
                for (int j = 1; j < 10; j++) if (logits[i * 10 + j] > logits[i * 10 + best]) best = j;
                if (best == labels[start + i]) right++;
            }
        }
        return (double)right / labels.Length;
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
