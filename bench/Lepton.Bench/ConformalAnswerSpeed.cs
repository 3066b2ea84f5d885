using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Runtime;
using Lepton.Runtime.Conformal;
using Lepton.Serving.Outputs;

namespace Lepton.Bench;

/// <summary>
/// What conformal answers cost a served batch: a batch of BATCH rows of model outputs (10-class logits, a yes/no logit, a regressor's
/// value) turned into <c>/models/{name}/predict</c> rows by the server's output interpreter, as it answers them, without
/// intervals.json and with it (prediction sets, class-by-class sets, intervals), alternating, ROUNDS rounds of 5,000 batches each;
/// medians of the microseconds per batch.
/// </summary>
public static class ConformalAnswerSpeed
{
    /// <summary>`conformal-answers [batch=64] [rounds=5]`; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int batch = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 64;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        Console.WriteLine($"| answers | intervals.json | µs per batch of {batch} (median of {rounds}) | ratio |");
        Console.WriteLine("|---|---|---:|---:|");
        string[] names = [.. Enumerable.Range(0, 10).Select(c => $"c{c}")];
        var classifier = new PredictorSignature([new TensorSignature("x", DType.Float32, [32])], [new TensorSignature("logits", DType.Float32, [10])], OutputKind.ClassLogits, names);
        var binary = new PredictorSignature([new TensorSignature("x", DType.Float32, [32])], [new TensorSignature("logits", DType.Float32, [1])], OutputKind.TaskAnswers,
            ["no", "yes"], new TaskSpec(TaskKind.Binary));
        var regressor = new PredictorSignature([new TensorSignature("x", DType.Float32, [32])], [new TensorSignature("value", DType.Float32, [1])], OutputKind.TaskAnswers,
            null, new TaskSpec(TaskKind.Regression));
        var cases = new (string Answers, PredictorSignature Signature, int Width, (string Name, ConformalIntervals? Intervals)[] Variants)[]
        {
            ("10 classes", classifier, 10, [("none", null), ("sets", new("probability", 0.9, 0.6)),
                ("sets per class", new("probability", 0.9, 0.7) { ClassQuantiles = [.. Enumerable.Range(0, 10).Select(c => 0.4 + c * 0.03)] })]),
            ("yes/no", binary, 1, [("none", null), ("sets", new("probability", 0.9, 0.6))]),
            ("regression", regressor, 1, [("none", null), ("intervals", new("absolute", 0.9, 3.5)), ("scaled intervals", new("scaled", 0.9, 1.6, 1))]),
        };
        foreach (var (answers, signature, width, variants) in cases)
        {
            var outputs = new TensorSet(Tensor.FromArray([.. Enumerable.Range(0, batch * width).Select(i => (float)(2 * Math.Sin(i * 0.7) + (width == 1 ? 3 : 0)))], batch, width));
            var times = variants.ToDictionary(v => v.Name, _ => new List<double>());
            var buffer = new ArrayBufferWriter<byte>(1 << 16);
            for (int r = 0; r < rounds; r++)
                foreach (var (name, intervals) in r % 2 == 0 ? variants : variants.Reverse())
                {
                    var interpreter = OutputInterpreters.For(signature, intervals);
                    void Answer()
                    {
                        buffer.ResetWrittenCount();
                        using var w = new Utf8JsonWriter(buffer);
                        var served = interpreter.Interpret(outputs, batch);
                        w.WriteStartArray();
                        for (int row = 0; row < batch; row++)
                        {
                            w.WriteStartObject();
                            served.WritePredictRow(w, row, 3);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                    }
                    for (int i = 0; i < 500; i++) Answer();
                    var clock = Stopwatch.StartNew();
                    for (int i = 0; i < 5000; i++) Answer();
                    times[name].Add(clock.Elapsed.TotalMicroseconds / 5000);
                }
            double baseline = Medians.Of(times["none"]);
            foreach (var (name, _) in variants)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {answers} | {name} | {Medians.Of(times[name]):F1} | {Medians.Of(times[name]) / baseline:F3}x |"));
        }
        return 0;
    }
}
