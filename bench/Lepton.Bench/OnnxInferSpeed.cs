using System.Diagnostics;
using Lepton.Compression.Onnx;
using Lepton.Engine;
using Lepton.Engine.Threading;
using Lepton.NN;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;
using Lepton.Runtime.Onnx;
using Lepton.Runtime;
using Microsoft.ML.OnnxRuntime;
using Tensor = Lepton.Engine.Tensor;

namespace Lepton.Bench;

/// <summary>
/// Lepton float32 inference of the reference CNN against ONNX Runtime running the same network exported by
/// <see cref="OnnxExporter"/>, in one process, on Fashion-MNIST test images: batch-1 latency (p50, p99) and batch-256
/// images/s. Both sides get 2 threads (Lepton's kernels, ORT's intra-op pool); the sides alternate block by block (each
/// after a pause that outlasts the other's spinning workers) so load from other work hits both alike. The ONNX half of
/// bench/onnx-inference.sh.
/// </summary>
public static class OnnxInferSpeed
{
    /// <summary>
    /// `onnx-infer [rounds=5] [forwards=400] [batches=8] [threads=2] [ort-spin=1] [preset=cnn]` (any preset, e.g. resnet, at
    /// 1x28x28 with seeded weights); ort-spin 0 stops ORT's idle workers
    /// spinning (session.intra_op.allow_spinning=0), which matters on an oversubscribed machine. Returns the exit code.
    /// </summary>
    // Pause before each block of one side: longer than ORT's workers spin after a Run.
    private const int SettleMs = 50;

    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0]) : 5;
        int forwards = args.Length > 1 ? int.Parse(args[1]) : 400;
        int batches = args.Length > 2 ? int.Parse(args[2]) : 8;
        int threads = args.Length > 3 ? int.Parse(args[3]) : 2;
        bool ortSpin = args.Length <= 4 || args[4] != "0";
        string preset = args.Length > 5 ? args[5] : "cnn";
        const int batch = 256, testCount = 10_000;
        CpuParallel.ThreadCount = threads;
        var data = FashionSlice.Load(train: false, testCount);

        // The same weights on both sides: the exported graph is the prepared model's.
        Module model = ModelPresets.Build(preset, 1, 28, 28, 10, new Generator(0));
        var onnx = OnnxExporter.Export(model, [new InputSpec("image", [-1, 1, 28, 28])], ["logits"]);
        model = model.PrepareForInference();
        using var options = OnnxRuntimeEnvironment.SessionOptions(threads);
        if (!ortSpin) options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        using var session = new InferenceSession(onnx, options);
        using var run = new RunOptions();

        var singles = new Tensor[testCount];
        var singleArrays = new float[testCount][];
        for (int i = 0; i < testCount; i++) (singles[i], singleArrays[i]) = (data.Batch(i, 1).X, data.Batch(i, 1).X.ToArray());
        int perPass = testCount / batch;
        var batchTensors = Enumerable.Range(0, perPass).Select(b => data.Batch(b * batch, batch).X).ToArray();
        var batchArrays = batchTensors.Select(t => t.ToArray()).ToArray();

        double maxDiff = CheckAgreement(model, session, run, batchTensors[0], batchArrays[0]);
        // Warm-up: JIT (long enough for tiered compilation to reach its optimized code), packed weights, ORT's arenas.
        for (int i = 0; i < 3000; i++)
        {
            Inference.Forward(model, singles[i], batchSize: 1);
            Ort(session, run, singleArrays[i], 1);
        }
        for (int i = 0; i < 3; i++)
        {
            Inference.Forward(model, batchTensors[i], batch);
            Ort(session, run, batchArrays[i], batch);
        }

        // Batch 1 in blocks: per round each side runs `forwards` forwards on its own (which side goes first alternates), after
        // a 50 ms pause. ORT's idle intra-op workers keep spinning for about 20 ms after a Run (2^20 pause instructions),
        // holding one of the two cores: a forward of the other side started inside that window runs on one core. Blocks
        // keep each side's figures its own, as in a process that runs one engine, while rounds spread machine noise over both.
        var leptonTimes = new List<double>();
        var ortTimes = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            for (int side = 0; side < 2; side++)
            {
                bool lepton = (side + r) % 2 == 0;
                Thread.Sleep(SettleMs);
                for (int i = 0; i < forwards; i++)
                    (lepton ? leptonTimes : ortTimes).Add(TimeOne(lepton, (300 + r * forwards + i) % testCount));
            }
        }
        // The same forwards interleaved one by one (each side inside the other's spinning window half the time), for the record.
        var leptonInterleaved = new List<double>();
        var ortInterleaved = new List<double>();
        for (int i = 0; i < forwards; i++)
        {
            for (int side = 0; side < 2; side++)
            {
                bool lepton = (side + i) % 2 == 0;
                (lepton ? leptonInterleaved : ortInterleaved).Add(TimeOne(lepton, (300 + i) % testCount));
            }
        }
        var leptonRates = new List<double>();
        var ortRates = new List<double>();
        // Batch 256: rounds of a few batches per side, alternating which side goes first, each after the same pause.
        for (int r = 0; r < rounds; r++)
        {
            for (int side = 0; side < 2; side++)
            {
                bool lepton = (side + r) % 2 == 0;
                Thread.Sleep(SettleMs);
                long start = Stopwatch.GetTimestamp();
                for (int b = 0; b < batches; b++)
                {
                    int k = (r * batches + b) % perPass;
                    if (lepton) Inference.Forward(model, batchTensors[k], batch);
                    else Ort(session, run, batchArrays[k], batch);
                }
                (lepton ? leptonRates : ortRates).Add(batches * batch / Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
        }

        var (lt, ot) = (leptonTimes.Order().ToArray(), ortTimes.Order().ToArray());
        double Median(List<double> xs) => BenchResult.Quantile([.. xs.Order()], 0.5);

        // One batch-1 forward of test image k on one side, in milliseconds.
        double TimeOne(bool lepton, int k)
        {
            long t0 = Stopwatch.GetTimestamp();
            if (lepton) Inference.Forward(model, singles[k], batchSize: 1);
            else Ort(session, run, singleArrays[k], 1);
            return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        BenchResult.Print(new
        {
            Mode = preset == "cnn" ? "onnx-infer" : "onnx-infer-" + preset,
            Threads = threads,
            OrtSpin = ortSpin,
            Rounds = rounds,
            ForwardsPerSide = lt.Length,
            MaxAbsDiff = maxDiff,
            LeptonP50Ms = BenchResult.Quantile(lt, 0.50),
            OrtP50Ms = BenchResult.Quantile(ot, 0.50),
            LeptonP99Ms = BenchResult.Quantile(lt, 0.99),
            OrtP99Ms = BenchResult.Quantile(ot, 0.99),
            InterleavedLeptonP50Ms = Median(leptonInterleaved),
            InterleavedOrtP50Ms = Median(ortInterleaved),
            LeptonImagesPerS = Median(leptonRates),
            OrtImagesPerS = Median(ortRates),
            LeptonRates = leptonRates.Select(v => Math.Round(v)),
            OrtRates = ortRates.Select(v => Math.Round(v)),
        });
        return 0;
    }

    // x: (n,1,28,28) as a flat array → logits (n,10), through ORT's ordinary API as a server would call it.
    private static float[] Ort(InferenceSession session, RunOptions run, float[] x, int n)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(x, [n, 1, 28, 28]);
        using var results = session.Run(run, ["image"], [input], ["logits"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static double CheckAgreement(Module model, InferenceSession session, RunOptions run, Tensor x, float[] xArray)
    {
        var lepton = Inference.Forward(model, x, x.Shape[0]).ToArray();
        var ort = Ort(session, run, xArray, x.Shape[0]);
        double max = lepton.Zip(ort, (a, b) => Math.Abs(a - b)).Max();
        if (max > 1e-3) throw new InvalidOperationException($"Lepton and ONNX Runtime disagree by {max:G3}; the comparison would not be like for like.");
        return max;
    }
}
