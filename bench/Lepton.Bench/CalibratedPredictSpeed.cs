using System.Diagnostics;
using System.Globalization;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Runtime;
using Lepton.Runtime.Calibration;

namespace Lepton.Bench;

/// <summary>
/// What a calibration costs a served batch: a small network (32 features → 64 → K logits, the size of a table MLP) predicting
/// batches of BATCH rows through the predictor loader, as the server does, without calibration.json and with each method
/// (a 10-class temperature and isotonic curves of 200 steps per class; a yes/no sigmoid and isotonic curve), alternating, ROUNDS
/// rounds of 2,000 batches each; medians of the microseconds per batch.
/// </summary>
public static class CalibratedPredictSpeed
{
    /// <summary>`calibrated-predict [batch=64] [rounds=5]`; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int batch = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 64;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var dir = Path.Combine(Path.GetTempPath(), "lepton-bench-calibrated-" + Guid.NewGuid().ToString("N"));
        try
        {
            Console.WriteLine($"| model | calibration | µs per batch of {batch} (median of {rounds}) | ratio |");
            Console.WriteLine("|---|---|---:|---:|");
            foreach (int classes in new[] { 10, 2 })
            {
                string folder = Folder(dir, classes);
                var variants = classes == 10
                    ? new (string Name, ProbabilityCalibration? Calibration)[]
                    {
                        ("none", null), ("temperature", new("temperature", 10, [new TemperatureScaling(1.3)])),
                        ("isotonic", new("isotonic", 10, [.. Enumerable.Range(0, 10).Select(_ => (ICalibrationMap)Curve())])),
                    }
                    : [("none", null), ("sigmoid", new("sigmoid", 2, [new PlattScaling(0.8, -1.2)])), ("isotonic", new("isotonic", 2, [Curve(-8, 8)]))];
                var x = Tensor.FromArray([.. Enumerable.Range(0, batch * 32).Select(i => (float)Math.Sin(i))], batch, 32);
                var times = variants.ToDictionary(v => v.Name, _ => new List<double>());
                for (int r = 0; r < rounds; r++)
                    foreach (var (name, calibration) in r % 2 == 0 ? variants : variants.Reverse())
                    {
                        File.Delete(Path.Combine(folder, ProbabilityCalibration.FileName));
                        calibration?.Save(folder);
                        using var predictor = PredictorLoader.Default.Load(folder);
                        for (int w = 0; w < 200; w++) predictor.Predict(x);
                        var clock = Stopwatch.StartNew();
                        for (int i = 0; i < 2000; i++) predictor.Predict(x);
                        times[name].Add(clock.Elapsed.TotalMicroseconds / 2000);
                    }
                double baseline = Medians.Of(times["none"]);
                foreach (var (name, _) in variants)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {(classes == 2 ? "yes/no" : "10 classes")} | {name} | {Medians.Of(times[name]):F1} | {Medians.Of(times[name]) / baseline:F3}x |"));
            }
            return 0;
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static string Folder(string dir, int classes)
    {
        string folder = Path.Combine(dir, $"k{classes}");
        int outputs = classes == 2 ? 1 : classes;
        var model = new Sequential(new Linear(32, 64, rng: new Generator(1)), new ReLU(), new Linear(64, outputs, rng: new Generator(2)));
        ModelFile.Save(folder, model, new ModelSpec
        {
            Input = new InputSpec("features", [-1, 32]),
            Task = classes == 2 ? new TaskSpec(TaskKind.Binary) : TaskSpec.Multiclass,
            ClassNames = [.. Enumerable.Range(0, classes).Select(c => $"c{c}")],
        });
        return folder;
    }

    // A rising step curve of 200 steps over [lo, hi]: as an isotonic fit on a few thousand held-out rows leaves it.
    private static IsotonicCurve Curve(double lo = 0, double hi = 1)
    {
        var x = Enumerable.Range(0, 200).Select(i => lo + (hi - lo) * i / 199).ToArray();
        return new IsotonicCurve(x, [.. Enumerable.Range(0, 200).Select(i => i / 199.0)]);
    }
}
