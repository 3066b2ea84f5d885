using System.Text.Json.Nodes;
using Lepton.NN;
using Lepton.NN.Graph;
using Lepton.NN.Serialization;

namespace Lepton.Compression.Pruning;

/// <summary>One layer call of a <see cref="LayerGraph"/>: its state-dict prefix, layer type, options and the tensors it reads.</summary>
internal sealed record LayerNode(string Name, string Type, JsonObject Options, IReadOnlyList<string> Inputs);

/// <summary>
/// A model's architecture as one flat list of layer calls in execution order, whatever it was saved as: a Sequential's layers
/// (nodes "0", "1", ... each reading the one before) or a graph with its blocks inlined (block instance <c>layer1</c>'s node
/// <c>conv1</c> becomes node <c>layer1.conv1</c>, which owns the same tensor names). Structured pruning edits widths here and
/// writes the result back as an ordinary architecture.
/// </summary>
internal sealed class LayerGraph
{
    private LayerGraph(bool sequential, IReadOnlyList<InputSpec> inputs, List<LayerNode> nodes, IReadOnlyList<GraphOutput> outputs)
    {
        IsSequential = sequential;
        Inputs = inputs;
        Nodes = nodes;
        Outputs = outputs;
    }

    /// <summary>True when the model is a Sequential (written back as model.json version 1).</summary>
    public bool IsSequential { get; }

    public IReadOnlyList<InputSpec> Inputs { get; }

    /// <summary>The layer calls in an order where every node comes after the nodes it reads.</summary>
    public IReadOnlyList<LayerNode> Nodes { get; }

    /// <summary>The graph outputs and the node outputs they return.</summary>
    public IReadOnlyList<GraphOutput> Outputs { get; }

    /// <summary>The graph of <paramref name="model"/> (a Sequential, or a graph built from a spec) with the input <paramref name="input"/>.</summary>
    public static LayerGraph Of(Module model, InputSpec input)
    {
        switch (model)
        {
            case Sequential s:
            {
                var layers = LayerRegistry.Describe(s);
                var nodes = new List<LayerNode>(layers.Count);
                for (int i = 0; i < layers.Count; i++)
                    nodes.Add(new LayerNode(Index(i), layers[i].Type, (JsonObject)layers[i].Options.DeepClone(), [i == 0 ? input.Name : Index(i - 1)]));
                return new LayerGraph(true, [input], nodes, [new GraphOutput("output", nodes.Count == 0 ? input.Name : nodes[^1].Name)]);
            }
            case GraphModel { Spec: { } spec }:
            {
                var nodes = new List<LayerNode>();
                var outer = spec.Inputs.ToDictionary(i => i.Name, i => i.Name, StringComparer.Ordinal);
                var outputsOf = new Dictionary<string, string[]>(StringComparer.Ordinal);
                Inline(spec, spec.Nodes, "", outer, outputsOf, nodes, depth: 0);
                var outputs = spec.Outputs.Select(o => o with { Source = Resolve(o.Source, outer, outputsOf) }).ToList();
                return new LayerGraph(false, spec.Inputs, Sorted(nodes, spec.Inputs.Select(i => i.Name)), outputs);
            }
            default:
                throw new ArgumentException(
                    $"Pruning reads a Sequential or a graph model saved as model.json; got a {model.TypeName}. Load the model from its folder (ModelFile.Load).");
        }
    }

    private static string Index(int i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Adds the nodes of one (sub)graph with the prefix of the block instance they belong to. `names` maps a reference inside this
    // (sub)graph to the flat name it has outside; `outputsOf` maps a block instance to the flat references of its outputs.
    private static void Inline(GraphSpec spec, IReadOnlyList<GraphNode> graphNodes, string prefix, Dictionary<string, string> names,
        Dictionary<string, string[]> outputsOf, List<LayerNode> into, int depth)
    {
        if (depth > 16) throw new InvalidDataException("Pruning: blocks nest more than 16 deep.");
        // Listed order need not be execution order, so references resolve once every node of this level is named.
        foreach (var node in graphNodes)
            if (!spec.Blocks.ContainsKey(node.Type)) names[node.Name] = prefix + node.Name;
        var pending = graphNodes.ToList();
        while (pending.Count > 0)
        {
            int before = pending.Count;
            foreach (var node in pending.ToList())
            {
                if (!node.Inputs.All(r => IsKnown(r, names, outputsOf))) continue;
                pending.Remove(node);
                var inputs = node.Inputs.Select(r => Resolve(r, names, outputsOf)).ToList();
                if (spec.Blocks.TryGetValue(node.Type, out var block))
                {
                    var args = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                    foreach (var (p, fallback) in block.Parameters) args[p] = node.Options[p]?.DeepClone() ?? fallback?.DeepClone();
                    var inner = new Dictionary<string, string>(StringComparer.Ordinal);
                    for (int i = 0; i < block.Inputs.Count; i++) inner[block.Inputs[i]] = inputs[i];
                    var innerNodes = block.Nodes.Select(n => n with { Options = (JsonObject)Substitute(n.Options, args)! }).ToList();
                    var innerOutputs = new Dictionary<string, string[]>(StringComparer.Ordinal);
                    Inline(spec, innerNodes, prefix + node.Name + ".", inner, innerOutputs, into, depth + 1);
                    outputsOf[node.Name] = block.Outputs.Select(o => Resolve(o, inner, innerOutputs)).ToArray();
                }
                else
                {
                    into.Add(new LayerNode(prefix + node.Name, node.Type, (JsonObject)node.Options.DeepClone(), inputs));
                }
            }
            if (pending.Count == before)
                throw new InvalidDataException($"Pruning: nodes {string.Join(", ", pending.Select(n => n.Name))} read tensors no node makes; the graph does not load.");
        }
    }

    private static bool IsKnown(string reference, Dictionary<string, string> names, Dictionary<string, string[]> outputsOf)
    {
        var (name, _) = Split(reference);
        // A block instance is known once its outputs are; plain nodes and inputs are named up front.
        return outputsOf.ContainsKey(name) || names.ContainsKey(name);
    }

    private static string Resolve(string reference, Dictionary<string, string> names, Dictionary<string, string[]> outputsOf)
    {
        var (name, index) = Split(reference);
        if (outputsOf.TryGetValue(name, out var outs)) return outs[index];
        if (!names.TryGetValue(name, out var flat)) throw new InvalidDataException($"Pruning: \"{reference}\" names no input or node.");
        return index == 0 ? flat : $"{flat}:{index}";
    }

    private static (string Name, int Index) Split(string reference)
    {
        int colon = reference.LastIndexOf(':');
        return colon < 0 ? (reference, 0) : (reference[..colon], int.Parse(reference.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static JsonNode? Substitute(JsonNode? n, IReadOnlyDictionary<string, JsonNode?> args) => n switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) && s.StartsWith('$') && args.TryGetValue(s[1..], out var a) => a?.DeepClone(),
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, Substitute(kv.Value, args)))),
        JsonArray arr => new JsonArray(arr.Select(x => Substitute(x, args)).ToArray()),
        _ => n?.DeepClone(),
    };

    private static List<LayerNode> Sorted(List<LayerNode> nodes, IEnumerable<string> inputs)
    {
        var done = new HashSet<string>(inputs, StringComparer.Ordinal);
        var order = new List<LayerNode>(nodes.Count);
        var pending = nodes.ToList();
        while (pending.Count > 0)
        {
            var ready = pending.Where(n => n.Inputs.All(r => done.Contains(Split(r).Name))).ToList();
            if (ready.Count == 0) throw new InvalidDataException($"Pruning: nodes {string.Join(", ", pending.Select(n => n.Name))} form a cycle.");
            foreach (var n in ready)
            {
                order.Add(n);
                done.Add(n.Name);
                pending.Remove(n);
            }
        }
        return order;
    }

    /// <summary>This graph with some nodes' options replaced, as the architecture of a model.json (a Sequential's layer list or a flat graph).</summary>
    public ModelSpec WriteInto(ModelSpec spec, IReadOnlyDictionary<string, JsonObject> options)
    {
        var nodes = Nodes.Select(n => n with { Options = options.TryGetValue(n.Name, out var o) ? o : n.Options }).ToList();
        if (IsSequential)
            return spec with { FormatVersion = 1, Graph = null, Architecture = nodes.Select(n => new LayerSpec(n.Type, n.Options)).ToList() };
        var graph = new GraphSpec(Inputs, nodes.Select(n => new GraphNode(n.Name, n.Type, n.Options, n.Inputs)).ToList(), Outputs,
            new Dictionary<string, GraphBlock>(StringComparer.Ordinal));
        return spec with { FormatVersion = 2, Graph = graph, Architecture = [], Input = Inputs[0] };
    }
}
