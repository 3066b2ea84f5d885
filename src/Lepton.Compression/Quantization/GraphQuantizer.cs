using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Graph;
using Lepton.NN.Layers;

namespace Lepton.Compression.Quantization;

/// <summary>
/// Post-training int8 quantization of a graph model (model.json version 2: the resnet and mobilenet presets, functional
/// models): every <c>Linear</c> and <c>Conv2d</c> (groups = 1) node becomes its int8 twin in a copy of the graph spec, so
/// the quantized model is again an ordinary graph. A node inside a block is one choice for every instance of the block
/// (the block is defined once), but each instance keeps its own calibrated input range and weights. A convolution whose
/// only consumer is a BatchNorm2d takes the batch norm into its int8 weights and bias (the node is dropped from the graph),
/// so int8 runs conv + BN (+ ReLU) in one pass as the float path does.
/// </summary>
internal static class GraphQuantizer
{
    /// <summary>A quantizable node of the spec: a top-level node (<paramref name="Block"/> null) or a node of a block definition.</summary>
    private sealed record Site(string? Block, string Node);

    /// <summary>
    /// One module that runs a site, by its path in the model (the prefix of its tensor names), and the batch norm folded into
    /// it in int8 (null: none) with that node's name and path.
    /// </summary>
    private sealed record Instance(Site Site, string Path, Module Float, string? BatchNormNode = null, BatchNorm? BatchNorm = null)
    {
        /// <summary>The folded batch norm's path: its node beside this one.</summary>
        public string? BatchNormPath => BatchNormNode is null ? null : Path[..^Site.Node.Length] + BatchNormNode;
    }

    private static readonly Dictionary<string, string> Int8Types = new(StringComparer.Ordinal)
    {
        ["Linear"] = "QuantizedLinear",
        ["Conv2d"] = "QuantizedConv2d",
    };

    public static QuantizedModel Quantize(GraphModel model, IReadOnlyList<Tensor> batches, QuantizeOptions options, ModelRace? race, CancellationToken ct)
    {
        var spec = model.Spec ?? throw new ArgumentException("The graph model was not built from a graph spec (GraphBuilder.Build), so it cannot be rewritten with int8 layers.");
        if (spec.Inputs.Count != 1 || model.OutputNames.Count < 1)
            throw new ArgumentException($"The graph takes {spec.Inputs.Count} inputs; int8 quantization covers one-input models.");
        var instances = new List<Instance>();
        FindInstances(spec, spec.Nodes, null, model, "", instances);
        // A site whose instances are not all quantizable (a block parameter makes one grouped) stays float everywhere.
        var mixed = instances.Where(i => !ModelQuantizer.IsQuantizable(i.Float)).Select(i => i.Site).ToHashSet();
        instances.RemoveAll(i => mixed.Contains(i.Site));
        if (instances.Count == 0)
            throw new ArgumentException(
                $"The graph has no Linear or Conv2d (groups = 1) node to quantize; its nodes are {string.Join(", ", spec.Nodes.Select(n => $"{n.Name} ({n.Type})"))}.");

        var observers = instances.ToDictionary(i => i.Path, _ => new ActivationObserver(options.Bins), StringComparer.Ordinal);
        Observe(model, spec, instances, batches, observers, options, ct);

        // Each instance's int8 tensors, under its path.
        var floatState = model.StateDict();
        var int8State = new Dictionary<string, IReadOnlyDictionary<string, Tensor>>(StringComparer.Ordinal);
        var infos = new List<(Instance Instance, ActivationQuantization Input, double Error)>();
        foreach (var instance in instances)
        {
            var input = RangeEstimation.Estimate(observers[instance.Path], options);
            var (int8, error) = ModelQuantizer.Convert(instance.BatchNorm is { } bn ? ModelQuantizer.WithFoldedBatchNorm((Conv2d)instance.Float, bn) : instance.Float, input);
            int8State[instance.Path] = int8.StateDict();
            infos.Add((instance, input, error));
        }

        var sites = instances.Select(i => i.Site).Distinct().ToList();
        // Instances of one block share its definition, so a site's folded batch norm is the same node in each.
        var foldedBatchNorms = instances.Where(i => i.BatchNormNode is not null).GroupBy(i => i.Site).ToDictionary(g => g.Key, g => g.First().BatchNormNode!);
        GraphModel Build(IEnumerable<int> int8Sites)
        {
            var chosen = int8Sites.Select(s => sites[s]).ToHashSet();
            var rewritten = WithInt8Nodes(spec, chosen, foldedBatchNorms);
            var built = GraphBuilder.Build(rewritten, new Generator(options.Seed), "quantized graph");
            var state = new Dictionary<string, Tensor>(floatState, StringComparer.Ordinal);
            foreach (var instance in instances.Where(i => chosen.Contains(i.Site)))
            {
                string prefix = instance.Path + ".";
                foreach (var key in state.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)
                    || (instance.BatchNormPath is { } bnPath && k.StartsWith(bnPath + ".", StringComparison.Ordinal))).ToList())
                    state.Remove(key);
                foreach (var (name, value) in int8State[instance.Path]) state[prefix + name] = value;
            }
            built.LoadStateDict(state);
            built.Eval();
            built.PrepareForInference();
            return built;
        }

        var all = Enumerable.Range(0, sites.Count).ToArray();
        IReadOnlyList<int> int8Sites = all;
        IReadOnlyDictionary<int, LayerTiming> timings = new Dictionary<int, LayerTiming>();
        if (options.Layers != LayerPrecision.All)
        {
            int[] inputShape = [-1, .. batches.First(b => b.Shape[0] > 0).Shape.ToArray().Skip(1)];
            (int8Sites, timings) = PrecisionSelection.Choose(all, set => Build(set), options.BatchSize,
                race ?? PrecisionSelection.Timed(inputShape, ModelQuantizer.SelectionRepeats, ct));
        }
        var result = Build(int8Sites);
        var layers = infos.Select((q, index) =>
        {
            int site = sites.IndexOf(q.Instance.Site);
            return new QuantizedLayerInfo(index, q.Instance.Float.TypeName, q.Input, q.Error, IsInt8: int8Sites.Contains(site),
                Timing: timings.GetValueOrDefault(site)) { Path = q.Instance.Path };
        }).ToList();
        return new QuantizedModel(result, layers);
    }

    // Walks the spec beside the built model: a node's module is the model's child of that name; a block node's children are
    // the block definition's nodes.
    private static void FindInstances(GraphSpec spec, IReadOnlyList<GraphNode> nodes, string? block, Module graph, string prefix, List<Instance> found)
    {
        var children = graph.NamedChildren().ToDictionary(c => c.Name, c => c.Module, StringComparer.Ordinal);
        var outputs = block is null ? spec.Outputs.Select(o => o.Source) : spec.Blocks[block].Outputs;
        foreach (var node in nodes)
        {
            var module = children[node.Name];
            if (spec.Blocks.TryGetValue(node.Type, out var definition))
                FindInstances(spec, definition.Nodes, node.Type, module, prefix + node.Name + ".", found);
            else if (Int8Types.ContainsKey(node.Type))
                found.Add(FoldableBatchNorm(node, nodes, outputs) is { } bn && module is Conv2d && children[bn.Name] is BatchNorm2d { RunningMean: not null } norm
                    ? new Instance(new Site(block, node.Name), prefix + node.Name, module, bn.Name, norm)
                    : new Instance(new Site(block, node.Name), prefix + node.Name, module));
        }
    }

    // The BatchNorm2d node that is the only reader of `conv`'s output in its scope (no other node, no output), or null.
    private static GraphNode? FoldableBatchNorm(GraphNode conv, IReadOnlyList<GraphNode> nodes, IEnumerable<string> outputs)
    {
        bool Reads(string reference) => reference == conv.Name || reference == conv.Name + ":0";
        if (conv.Type != "Conv2d" || outputs.Any(Reads)) return null;
        var readers = nodes.Where(n => n.Inputs.Any(Reads)).ToList();
        return readers is [{ Type: "BatchNorm2d", Inputs.Count: 1 } bn] ? bn : null;
    }

    /// <summary>
    /// Runs the float graph on the calibration batches with every quantized node's input exposed as an extra output (blocks
    /// pass their nodes' inputs out the same way), so the ranges are those the served graph sees, node by node.
    /// </summary>
    private static void Observe(GraphModel model, GraphSpec spec, List<Instance> instances, IReadOnlyList<Tensor> batches,
        Dictionary<string, ActivationObserver> observers, QuantizeOptions options, CancellationToken ct)
    {
        var sites = instances.Select(i => i.Site).ToHashSet();
        var blocks = new Dictionary<string, GraphBlock>(StringComparer.Ordinal);
        var exposed = Exposed(spec, spec.Nodes, null, sites, blocks);
        var observed = spec with
        {
            Blocks = spec.Blocks.ToDictionary(b => b.Key, b => blocks.GetValueOrDefault(b.Key, b.Value), StringComparer.Ordinal),
            Outputs = [.. spec.Outputs, .. exposed.Select((e, i) => new GraphOutput($"calibration_{i}", e.Reference))],
        };
        var probe = GraphBuilder.Build(observed, new Generator(options.Seed), "calibration graph");
        probe.LoadStateDict(model.StateDict());
        probe.Eval();
        int first = spec.Outputs.Count;
        using var _ = new NoGrad();
        foreach (bool histogram in options.Method == CalibrationMethod.MinMax ? [false] : new[] { false, true })
            foreach (var batch in batches)
            {
                ct.ThrowIfCancellationRequested();
                if (batch.Shape[0] == 0) continue;
                var x = batch.DType == DType.Float32 ? batch.Contiguous() : batch.To(DType.Float32).Contiguous();
                var outputs = probe.ForwardMany([x]);
                for (int i = 0; i < exposed.Count; i++)
                {
                    if (!observers.TryGetValue(exposed[i].Path, out var observer)) continue;
                    var values = outputs[first + i].Contiguous().Span<float>();
                    if (histogram) observer.ObserveHistogram(values);
                    else observer.ObserveRange(values);
                }
            }
    }

    // The (path, reference) of every quantized node's input reachable from these nodes; rewritten block definitions (their
    // extra outputs) go to `blocks`, once per block.
    private static List<(string Path, string Reference)> Exposed(GraphSpec spec, IReadOnlyList<GraphNode> nodes, string? block, HashSet<Site> sites,
        Dictionary<string, GraphBlock> blocks)
    {
        var exposed = new List<(string, string)>();
        foreach (var node in nodes)
        {
            if (spec.Blocks.TryGetValue(node.Type, out var definition))
            {
                var inner = ExposedBy(spec, node.Type, definition, sites, blocks);
                for (int j = 0; j < inner.Count; j++)
                    exposed.Add(($"{node.Name}.{inner[j]}", $"{node.Name}:{definition.Outputs.Count + j}"));
            }
            else if (sites.Contains(new Site(block, node.Name)))
            {
                exposed.Add((node.Name, node.Inputs[0]));
            }
        }
        return exposed;
    }

    // The relative paths a block exposes, in the order of its extra outputs (after its own).
    private static List<string> ExposedBy(GraphSpec spec, string name, GraphBlock definition, HashSet<Site> sites, Dictionary<string, GraphBlock> blocks)
    {
        var inner = Exposed(spec, definition.Nodes, name, sites, blocks);
        blocks.TryAdd(name, definition with { Outputs = [.. definition.Outputs, .. inner.Select(e => e.Reference)] });
        return inner.Select(e => e.Path).ToList();
    }

    /// <summary>
    /// The spec with the chosen sites' nodes of their int8 types (same options: the twins read the same ones), and the batch
    /// norms folded into chosen convolutions dropped, their readers reading the convolution instead.
    /// </summary>
    private static GraphSpec WithInt8Nodes(GraphSpec spec, HashSet<Site> chosen, IReadOnlyDictionary<Site, string> foldedBatchNorms)
    {
        (IReadOnlyList<GraphNode> Nodes, Func<string, string> Redirect) Rewrite(IReadOnlyList<GraphNode> nodes, string? block)
        {
            var dropped = new Dictionary<string, string>(StringComparer.Ordinal); // batch-norm node → the convolution it folded into
            foreach (var n in nodes)
                if (chosen.Contains(new Site(block, n.Name)) && foldedBatchNorms.TryGetValue(new Site(block, n.Name), out var bn)) dropped[bn] = n.Name;
            string Redirect(string reference)
            {
                string name = reference.EndsWith(":0", StringComparison.Ordinal) ? reference[..^2] : reference;
                return dropped.TryGetValue(name, out var conv) ? conv : reference;
            }
            GraphNode Int8(GraphNode n)
            {
                var options = (JsonObject)n.Options.DeepClone();
                if (dropped.ContainsValue(n.Name)) options["bias"] = true;
                return n with { Type = Int8Types[n.Type], Options = options };
            }
            var rewritten = nodes.Where(n => !dropped.ContainsKey(n.Name))
                .Select(n => chosen.Contains(new Site(block, n.Name)) ? Int8(n) : n)
                .Select(n => n with { Inputs = [.. n.Inputs.Select(Redirect)] }).ToList();
            return (rewritten, Redirect);
        }
        var top = Rewrite(spec.Nodes, null);
        return spec with
        {
            Nodes = top.Nodes,
            Outputs = [.. spec.Outputs.Select(o => o with { Source = top.Redirect(o.Source) })],
            Blocks = spec.Blocks.ToDictionary(b => b.Key, b =>
            {
                var inner = Rewrite(b.Value.Nodes, b.Key);
                return b.Value with { Nodes = inner.Nodes, Outputs = [.. b.Value.Outputs.Select(inner.Redirect)] };
            }, StringComparer.Ordinal),
        };
    }
}
