using System.Diagnostics;
using Lepton.Engine;
using Lepton.Engine.Memory;
using Lepton.NN;
using Lepton.NN.Losses;
using Lepton.NN.Planned;
using Lepton.NN.Presets;
using Lepton.Training.Optimizers;

namespace Lepton.Bench;

/// <summary>
/// `preset-step [preset] [batch] [steps] [side] [channels]`: the training step Trainer.Fit runs for any preset (graphs too)
/// at a given input size: planned or recorded (and why not planned), median ms per step, images/s and the seconds one
/// 60,000-image epoch would take at that rate.
/// </summary>
public static class PresetStep
{
    public static int Run(string[] args)
    {
        string preset = args.Length > 0 ? args[0] : "resnet";
        int batch = args.Length > 1 ? int.Parse(args[1]) : 64;
        int steps = args.Length > 2 ? int.Parse(args[2]) : 10;
        int side = args.Length > 3 ? int.Parse(args[3]) : 28;
        int channels = args.Length > 4 ? int.Parse(args[4]) : 1;
        var rng = new Generator(0);
        var model = ModelPresets.Build(preset, channels, side, side, 10, rng);
        model.Train();
        var opt = new Adam(model.Parameters());
        var x = Tensor.Randn(new Shape(batch, channels, side, side), rng);
        var y = Tensor.FromArray(Enumerable.Range(0, batch).Select(i => i % 10).ToArray(), batch);
        var plan = PlannedTrainingStep.TryCreate(model, x.Shape, out var reason);
        var pool = new TensorPool();
        void Step()
        {
            if (plan is not null)
            {
                plan.Run(x, y);
                opt.Step(plan.Gradients);
                return;
            }
            using var scope = pool.BeginScope();
            var loss = CrossEntropyLoss.Apply(model.Forward(x), y);
            opt.Step(loss.Backward());
        }
        for (int i = 0; i < 3; i++) Step();
        var t = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Step();
            t[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(t);
        double median = t[steps / 2], rate = batch / median * 1e3;
        Console.WriteLine($"{preset} {channels}x{side}x{side} batch {batch}, {Lepton.Engine.Threading.CpuParallel.ThreadCount} threads: " +
            $"{(plan is null ? $"recorded ({reason})" : "planned")}; step median {median:F1} ms, best {t[0]:F1} ms; {rate:F0} images/s; " +
            $"60,000-image epoch ≈ {60000 / rate:F0} s");
        return 0;
    }
}
