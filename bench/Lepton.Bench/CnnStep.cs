using System.Diagnostics;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Losses;
using Lepton.NN.Presets;
using Lepton.Training.Optimizers;

namespace Lepton.Bench;

/// <summary>
/// Times one training step of a preset (default the reference CNN) at batch 64: forward and backward per
/// layer, loss, optimizer, the whole step (images/s), and managed allocation and GC counts per step.
/// </summary>
public static class CnnStep
{
    /// <summary>`cnn-step [preset] [batch] [steps]`; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        string preset = args.Length > 0 ? args[0] : "cnn";
        int batch = args.Length > 1 ? int.Parse(args[1]) : 64;
        int steps = args.Length > 2 ? int.Parse(args[2]) : 40;
        var rng = new Generator(0);
        var model = ModelPresets.Build(preset, rng: rng);
        var opt = new Adam(model.Parameters());
        var step = new TrainingStep(model, opt);
        var x = Tensor.Randn(new Shape(batch, 1, 28, 28), rng);
        var labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % 10;
        var y = Tensor.FromArray(labels, batch);

        Console.WriteLine($"{preset} training step, batch {batch}, {Lepton.Engine.Threading.CpuParallel.ThreadCount} threads, {steps} timed steps after warm-up");
        for (int i = 0; i < 10; i++) step.Run(x, y);

        // Whole steps: the best and median time, and what each allocates.
        var times = new double[steps];
        long bytes0 = GC.GetTotalAllocatedBytes(precise: true);
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        var pause0 = GC.GetTotalPauseDuration();
        for (int s = 0; s < steps; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            step.Run(x, y);
            times[s] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        long bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes0;
        Array.Sort(times);
        double best = times[0], median = times[steps / 2];
        Console.WriteLine($"{step.Kind} step ms: best {best:F2}, median {median:F2}; images/s: best {batch / best * 1e3:F0}, median {batch / median * 1e3:F0}");
        Console.WriteLine($"allocated per step: {bytes / (double)steps / 1e6:F2} MB; GCs over {steps} steps: gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}; GC pause per step {(GC.GetTotalPauseDuration() - pause0).TotalMilliseconds / steps:F2} ms");

        PerLayer(model, opt, x, y, steps);
        return 0;
    }

    // Each layer runs on a detached copy of its input so its backward can be timed alone (seeded by
    // the gradient of the layer after it); minimum over the timed steps.
    private static void PerLayer(Sequential model, Adam opt, Tensor x, Tensor y, int steps)
    {
        int n = model.Count;
        double[] fwd = Filled(n), bwd = Filled(n);
        double lossMs = double.MaxValue, optMs = double.MaxValue;
        for (int s = 0; s < steps; s++)
        {
            var inputs = new Tensor[n];
            var outputs = new Tensor[n];
            var cur = x;
            for (int i = 0; i < n; i++)
            {
                // The first layer's input needs no gradient, as in training.
                inputs[i] = i == 0 ? cur : cur.Detach().RequireGrad();
                long t0 = Stopwatch.GetTimestamp();
                outputs[i] = model[i].Forward(inputs[i]);
                fwd[i] = Math.Min(fwd[i], Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                cur = outputs[i];
            }
            long tl = Stopwatch.GetTimestamp();
            var logits = cur.Detach().RequireGrad();
            var loss = CrossEntropyLoss.Apply(logits, y);
            var seed = loss.Backward()[logits]!;
            lossMs = Math.Min(lossMs, Stopwatch.GetElapsedTime(tl).TotalMilliseconds);
            var store = new Lepton.Engine.Autograd.GradStore();
            for (int i = n - 1; i >= 0; i--)
            {
                // A first layer without parameters (the MLP's Flatten) records nothing to run backward through.
                if (!outputs[i].RequiresGrad) { bwd[i] = 0; continue; }
                long t0 = Stopwatch.GetTimestamp();
                outputs[i].Backward(store, seed);
                bwd[i] = Math.Min(bwd[i], Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (i > 0) seed = store[inputs[i]]!;
            }
            long to = Stopwatch.GetTimestamp();
            opt.Step(store);
            optMs = Math.Min(optMs, Stopwatch.GetElapsedTime(to).TotalMilliseconds);
        }
        Console.WriteLine($"{"layer",-4} {"type",-10} {"output",-16} {"fwd ms",8} {"bwd ms",8}");
        double total = lossMs + optMs;
        var shape = x.Shape;
        for (int i = 0; i < n; i++)
        {
            Console.WriteLine($"{i,-4} {model[i].TypeName,-10} {OutShape(model[i], ref shape),-16} {fwd[i],8:F3} {bwd[i],8:F3}");
            total += fwd[i] + bwd[i];
        }
        Console.WriteLine($"{"",-4} {"loss",-10} {"",-16} {lossMs,8:F3}");
        Console.WriteLine($"{"",-4} {"optimizer",-10} {"",-16} {optMs,8:F3}");
        Console.WriteLine($"sum of per-layer minima: {total:F2} ms");
    }

    private static string OutShape(Module layer, ref Shape shape)
    {
        using var _ = new Lepton.Engine.Autograd.NoGrad();
        shape = layer.Forward(Tensor.Zeros(shape)).Shape;
        return shape.ToString();
    }

    private static double[] Filled(int n)
    {
        var a = new double[n];
        Array.Fill(a, double.MaxValue);
        return a;
    }
}
