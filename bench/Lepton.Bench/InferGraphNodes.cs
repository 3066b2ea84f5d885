using System.Diagnostics;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Memory;
using Lepton.Engine.Threading;
using Lepton.NN;
using Lepton.NN.Graph;
using Lepton.NN.Presets;

namespace Lepton.Bench;

/// <summary>
/// Where an inference forward of a graph preset (resnet, mobilenet) spends its time: the spec interpreted node by node (blocks
/// descended into, no fusions), each node timed alone in eval mode under NoGrad, median over <c>reps</c> forwards; then the
/// whole forward as served.
/// </summary>
public static class InferGraphNodes
{
    /// <summary>`infer-graph [preset=resnet] [batch=256] [reps=20]`; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        string preset = args.Length > 0 ? args[0] : "resnet";
        int batch = args.Length > 1 ? int.Parse(args[1]) : 256;
        int reps = args.Length > 2 ? int.Parse(args[2]) : 20;
        var model = (GraphModel)ModelPresets.Build(preset, 1, 28, 28, 10, new Generator(0));
        model.Eval();
        model.PrepareForInference();
        var spec = model.Spec!;
        var x = Tensor.Randn(new Shape(batch, 1, 28, 28), new Generator(1));
        var times = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        using var _ = new NoGrad();
        var pool = new TensorPool();
        for (int r = -Math.Max(1, reps / 5); r < reps; r++)
        {
            using var scope = pool.BeginScope();
            Run(spec, spec.Nodes, model, "", new Dictionary<string, Tensor> { [spec.Inputs[0].Name] = x }, r >= 0);
        }
        Console.WriteLine($"{preset} inference forward by node, batch {batch}, {CpuParallel.ThreadCount} threads, {reps} forwards (eval, NoGrad, unfused)");
        Console.WriteLine($"{"node",-16} {"type",-18} {"median ms",10} {"best ms",9}");
        double sum = 0;
        foreach (var path in order)
        {
            var t = times[path].Order().ToArray();
            double median = BenchResult.Quantile(t, 0.5);
            sum += median;
            Console.WriteLine($"{path,-16} {types[path],-18} {median,10:F3} {t[0],9:F3}");
        }
        Console.WriteLine($"sum of medians {sum:F3} ms");
        // The served forward against the same prepared model whose batch-norm statistics were reloaded as writable copies, so
        // no BatchNorm folds into the convolution before it (everything else as served); alternating rounds, medians.
        var unfolded = (GraphModel)ModelPresets.Build(preset, 1, 28, 28, 10, new Generator(0));
        unfolded.PrepareForInference();
        unfolded.LoadStateDict(unfolded.NamedBuffers().Where(b => b.Name.Contains("running", StringComparison.Ordinal)).ToDictionary(b => b.Name, b => b.Buffer), strict: false);
        // And the served model with one sample's im2col GEMM kept on one thread (Conv2dKernels.SplitOneSample off).
        var split = typeof(Tensor).Assembly.GetType("Lepton.Engine.Kernels.Conv2dKernels")!
            .GetProperty("SplitOneSample", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var rounds = new[] { new List<double>(), new List<double>(), new List<double>() };
        var every = new[] { new List<double>(), new List<double>(), new List<double>() };
        for (int round = -1; round < 7; round++)
            for (int m = 0; m < 3; m++)
            {
                if (m == 1 && Environment.GetEnvironmentVariable("LEPTON_BENCH_SKIP_UNFOLDED") == "1") m = 2;
                split.SetValue(null, m != 2);
                var forwards = Whole(m == 1 ? unfolded : model);
                if (round < 0) continue;
                rounds[m].Add(BenchResult.Quantile(forwards, 0.5));
                every[m].AddRange(forwards);
            }
        split.SetValue(null, true);
        var med = rounds.Select(r => r.Count == 0 ? double.NaN : BenchResult.Quantile([.. r.Order()], 0.5)).ToArray();
        Console.WriteLine($"Inference.Forward as served, median of 7 rounds of {reps}: {med[0]:F3} ms ({batch / med[0] * 1000:F0} images/s); " +
            $"without folding batch norms {med[1]:F3} ms ({med[1] / med[0]:F2}x); one sample's im2col on one thread {med[2]:F3} ms ({med[2] / med[0]:F2}x)");
        var p99 = every.Select(e => e.Count == 0 ? double.NaN : BenchResult.Quantile([.. e.Order()], 0.99)).ToArray();
        Console.WriteLine($"p99 of every forward: {p99[0]:F3} ms; without folds {p99[1]:F3} ms; one sample's im2col on one thread {p99[2]:F3} ms");
        return 0;

        double[] Whole(Module m)
        {
            var whole = new double[reps];
            for (int r = 0; r < reps; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Lepton.Runtime.Inference.Forward(m, x, batch);
                whole[r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
            Array.Sort(whole);
            return whole;
        }

        // Runs `nodes` on the values in `env` (names → tensors); returns nothing: each node's outputs go into env.
        void Run(GraphSpec s, IReadOnlyList<GraphNode> nodes, Module graph, string prefix, Dictionary<string, Tensor> env, bool timed)
        {
            var children = graph.NamedChildren().ToDictionary(c => c.Name, c => c.Module, StringComparer.Ordinal);
            foreach (var node in nodes)
            {
                var inputs = node.Inputs.Select(i => Resolve(env, i)).ToArray();
                var module = children[node.Name];
                string path = prefix + node.Name;
                if (s.Blocks.TryGetValue(node.Type, out var block))
                {
                    var inner = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                    for (int i = 0; i < block.Inputs.Count; i++) inner[block.Inputs[i]] = inputs[i];
                    Run(s, block.Nodes, module, path + ".", inner, timed);
                    for (int i = 0; i < block.Outputs.Count; i++) env[i == 0 ? node.Name : $"{node.Name}:{i}"] = Resolve(inner, block.Outputs[i]);
                    continue;
                }
                long t0 = Stopwatch.GetTimestamp();
                var outs = inputs.Length == 1 && module.OutputArity == 1 ? [module.Forward(inputs[0])] : module.ForwardMany(inputs);
                double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                for (int i = 0; i < outs.Count; i++) env[i == 0 ? node.Name : $"{node.Name}:{i}"] = outs[i];
                if (!times.TryGetValue(path, out var list))
                {
                    times[path] = list = [];
                    types[path] = module.TypeName;
                    order.Add(path);
                }
                if (timed) list.Add(ms);
            }
        }

        static Tensor Resolve(Dictionary<string, Tensor> env, string reference) =>
            env.TryGetValue(reference, out var t) ? t : env[reference.EndsWith(":0", StringComparison.Ordinal) ? reference[..^2] : reference];
    }
}
