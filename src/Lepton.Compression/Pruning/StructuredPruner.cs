using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Serialization;

namespace Lepton.Compression.Pruning;

/// <summary>
/// Structured channel pruning that shrinks the layers: ranks each group of convolution output channels (by the |γ| of the
/// BatchNorm that follows a convolution, else by the L1 norm of its filters; summed over a residual group's producers, each
/// scaled to mean 1), keeps the best <c>1 - sparsity</c> of them, and rewrites the producers, their BatchNorms and the
/// layers that read them (convolution input channels, Linear columns after a Flatten) to the narrower width. The result is an
/// ordinary model (a Sequential or a graph with its blocks inlined) whose model.json records the new widths, so it loads,
/// trains and serves like any other, and runs in proportionally less time.
/// </summary>
public static class StructuredPruner
{
    /// <summary>Prunes <paramref name="model"/>, whose model.json is <paramref name="spec"/>; the source model is not changed.</summary>
    public static StructuredPruningResult Prune(Module model, ModelSpec spec, StructuredPruningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        var o = (options ?? new StructuredPruningOptions()).Validate();
        var graph = LayerGraph.Of(model, spec.Input);
        var state = model.StateDict();
        var pruned = new List<PrunedChannelGroup>();
        var skipped = new List<SkippedChannelGroup>();
        // Per node: the output channels kept, and the input channels kept with how many columns each spans (1 for a convolution).
        var keepOut = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var keepIn = new Dictionary<string, (int[] Channels, int Span)>(StringComparer.Ordinal);
        var readers = graph.Nodes.SelectMany(n => n.Inputs).GroupBy(r => r, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var group in ChannelDependencies.Analyze(graph, o.LinearUnits))
        {
            var layers = group.Producers.Select(p => p.Name).ToList();
            if (group.Refusal() is { } why)
            {
                if (group.Producers.Count > 0) skipped.Add(new SkippedChannelGroup(layers, group.Channels, why));
                continue;
            }
            int c = group.Channels;
            int keep = Math.Clamp((int)Math.Round(c * (1 - o.Sparsity), MidpointRounding.AwayFromZero), Math.Min(o.MinChannels, c), c);
            if (keep == c) continue;
            var (scores, criterion) = Scores(group, state, readers);
            var kept = Enumerable.Range(0, c).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(keep).Order().ToArray();
            foreach (var p in group.Producers) keepOut[p.Name] = kept;
            foreach (var n in group.Norms) keepOut[n.Name] = kept;
            foreach (var conv in group.ConvConsumers) keepIn[conv.Name] = (kept, 1);
            foreach (var linear in group.LinearConsumers) keepIn[linear.Name] = (kept, ChannelGroup.Options(linear).Int("in_features") / c);
            pruned.Add(new PrunedChannelGroup(layers, c, keep, criterion));
        }

        var newOptions = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            bool outChanged = keepOut.TryGetValue(node.Name, out var outs);
            bool inChanged = keepIn.TryGetValue(node.Name, out var ins);
            if (!outChanged && !inChanged) continue;
            var opts = (JsonObject)node.Options.DeepClone();
            switch (node.Type)
            {
                case "Conv2d":
                    if (outChanged) opts["out_channels"] = outs!.Length;
                    if (inChanged) opts["in_channels"] = ins.Channels.Length;
                    break;
                case "Linear":
                    if (outChanged) opts["out_features"] = outs!.Length;
                    if (inChanged) opts["in_features"] = ins.Channels.Length * ins.Span;
                    break;
                default:
                    opts["num_features"] = outs!.Length;
                    break;
            }
            newOptions[node.Name] = opts;
        }
        var newSpec = graph.WriteInto(spec, newOptions);
        var result = newSpec.BuildModel(new Generator(0), "pruned model.json");
        result.LoadStateDict(Slice(state, keepOut, keepIn));
        result.Train(model.IsTraining);
        return new StructuredPruningResult(result, newSpec, new StructuredPruningReport(pruned, skipped));
    }

    // The source weights with pruned rows (output channels) and columns (input channels) left out.
    private static Dictionary<string, Tensor> Slice(IReadOnlyDictionary<string, Tensor> state, Dictionary<string, int[]> keepOut,
        Dictionary<string, (int[] Channels, int Span)> keepIn)
    {
        using var _ = new NoGrad();
        var result = new Dictionary<string, Tensor>(state.Count, StringComparer.Ordinal);
        foreach (var (name, tensor) in state)
        {
            int dot = name.LastIndexOf('.');
            string owner = dot < 0 ? "" : name[..dot], field = name[(dot + 1)..];
            var t = tensor.Detach();
            if (field != "num_batches_tracked" && keepOut.TryGetValue(owner, out var outs)) t = t.IndexSelect(0, Tensor.FromArray(outs, outs.Length));
            if (field == "weight" && keepIn.TryGetValue(owner, out var ins))
            {
                var columns = ins.Channels.SelectMany(ch => Enumerable.Range(ch * ins.Span, ins.Span)).ToArray();
                t = t.IndexSelect(1, Tensor.FromArray(columns, columns.Length));
            }
            result[name] = t.Contiguous();
        }
        return result;
    }

    // Each producer's per-channel importance scaled to mean 1, summed over the group's producers.
    private static (double[] Scores, string Criterion) Scores(ChannelGroup group, IReadOnlyDictionary<string, Tensor> state, Dictionary<string, int> readers)
    {
        var total = new double[group.Channels];
        var criteria = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var p in group.Producers)
        {
            // A BatchNorm read straight from the producer (and nothing else reading it) rescales each channel by γ: that is its importance.
            var norm = group.Norms.FirstOrDefault(n => n.Inputs[0] == p.Name);
            double[] s;
            if (norm is not null && readers.GetValueOrDefault(p.Name) == 1 && state.TryGetValue(norm.Name + ".weight", out var gamma))
            {
                s = gamma.ToDoubleArray().Select(Math.Abs).ToArray();
                criteria.Add("bn-gamma");
            }
            else
            {
                var w = state[p.Name + ".weight"].ToDoubleArray();
                int per = w.Length / group.Channels;
                s = new double[group.Channels];
                for (int c = 0; c < s.Length; c++)
                    for (int i = 0; i < per; i++) s[c] += Math.Abs(w[c * per + i]);
                criteria.Add("l1");
            }
            double mean = s.Average();
            for (int c = 0; c < s.Length; c++) total[c] += mean > 0 ? s[c] / mean : 0;
        }
        return (total, string.Join("+", criteria));
    }
}
