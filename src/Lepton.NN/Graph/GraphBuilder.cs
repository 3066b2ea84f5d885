using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Fusion;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;

namespace Lepton.NN.Graph;

/// <summary>
/// Builds a <see cref="GraphModel"/> from a <see cref="GraphSpec"/>, refusing anything that cannot run: unknown types,
/// missing or dangling references, cycles, recursive blocks, shapes that do not meet at a merge, and two nodes that
/// would own the same tensor. Every error names the node and says how to fix it.
/// </summary>
public static partial class GraphBuilder
{
    private const int MaxBlockDepth = 16;

    [GeneratedRegex(@"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")]
    private static partial Regex NodeName();

    /// <summary>
    /// Builds and checks the graph; one generator (default seed 0) initializes the nodes in the order they are listed.
    /// When every input size except the batch is known, a zero batch runs through the graph so shape errors surface here.
    /// </summary>
    public static GraphModel Build(GraphSpec spec, Generator? rng = null, string source = "model.json")
    {
        rng ??= LayerDefaults.Generator();
        string where = $"{source}: graph";
        if (spec.Inputs.Count == 0)
            throw new InvalidDataException($"{where}: \"inputs\" is empty; declare at least one, e.g. {{\"name\": \"image\", \"shape\": [-1, 1, 28, 28]}}.");
        foreach (var input in spec.Inputs)
            if (input.Shape.Length == 0 || input.Shape[0] != -1 || input.Shape.Skip(1).Any(d => d == 0 || d < -1))
                throw new InvalidDataException(
                    $"{where}: input '{input.Name}' has shape [{string.Join(", ", input.Shape)}]; give -1 for the batch first, then positive sizes (-1 for a variable length).");
        foreach (var (name, block) in spec.Blocks)
        {
            if (LayerRegistry.IsKnown(name))
                throw new InvalidDataException($"{where}: block \"{name}\" has the name of a layer type; rename the block.");
            CheckRecursion(spec, name, [name], where);
        }
        if (spec.Outputs.Count == 0)
            throw new InvalidDataException($"{where}: \"outputs\" is empty; name at least one node output, e.g. {{\"name\": \"logits\", \"source\": \"fc\"}}.");

        var model = BuildGraph(spec, "Graph", where, spec.Inputs.Select(i => i.Name).ToList(), spec.Nodes,
            spec.Outputs.Select(o => o.Source).ToList(), spec.Outputs.Select(o => o.Name).ToList(), parameters: null, rng, depth: 0);
        model.Spec = spec;
        CheckTensorNames(model, where);
        DryRun(model, spec, where);
        return model;
    }

    private static GraphModel BuildGraph(GraphSpec spec, string typeName, string where, IReadOnlyList<string> inputNames,
        IReadOnlyList<GraphNode> nodes, IReadOnlyList<string> outputRefs, IReadOnlyList<string> outputNames,
        IReadOnlyDictionary<string, JsonNode?>? parameters, Generator rng, int depth)
    {
        if (depth > MaxBlockDepth)
            throw new InvalidDataException($"{where}: blocks nest more than {MaxBlockDepth} deep; flatten the graph.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputNames)
        {
            if (!NodeName().IsMatch(input) || input.Contains('.'))
                throw new InvalidDataException($"{where}: input name \"{input}\" must be letters, digits and underscores.");
            if (!names.Add(input)) throw new InvalidDataException($"{where}: input \"{input}\" is declared twice; give each input its own name.");
        }
        foreach (var node in nodes)
        {
            if (!NodeName().IsMatch(node.Name))
                throw new InvalidDataException(
                    $"{where}: node \"{node.Name}\": a node name is letters, digits and underscores, optionally in dotted parts (\"features.0\"), since it becomes the prefix of its tensor names.");
            if (!names.Add(node.Name))
                throw new InvalidDataException($"{where}: node \"{node.Name}\" is declared twice (or has the name of an input); node names must be unique.");
        }

        // Build every node's module in the order listed, so initial weights do not depend on the execution order.
        var modules = new Dictionary<string, Module>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            string at = $"{where}: node '{node.Name}' ({node.Type})";
            var options = parameters is null ? node.Options : Substitute(node.Options, parameters, at);
            Module module;
            if (spec.Blocks.TryGetValue(node.Type, out var block))
            {
                var args = BlockArguments(block, options, at);
                module = BuildGraph(spec, node.Type, $"{where} > {node.Name} ({node.Type})", block.Inputs, block.Nodes, block.Outputs,
                    block.Outputs.Select((_, i) => $"output{i}").ToList(), args, rng, depth + 1);
            }
            else if (LayerRegistry.IsKnown(node.Type))
            {
                module = LayerRegistry.Create(node.Type, options, rng, at);
            }
            else
            {
                var known = LayerRegistry.Types.Concat(spec.Blocks.Keys.Select(b => b + " (block)"));
                throw new InvalidDataException($"{at}: unknown type \"{node.Type}\"; use a layer type or a block defined in \"blocks\". Known: {string.Join(", ", known)}.");
            }
            int arity = module.InputArity;
            if (arity >= 0 ? node.Inputs.Count != arity : node.Inputs.Count == 0)
                throw new InvalidDataException(
                    $"{at}: takes {(arity >= 0 ? arity.ToString(System.Globalization.CultureInfo.InvariantCulture) : "one or more")} input(s), but \"inputs\" lists {node.Inputs.Count}: [{string.Join(", ", node.Inputs)}].");
            modules[node.Name] = module;
        }

        // Slots: graph inputs first, then each node's outputs.
        var slotOf = new Dictionary<string, int[]>(StringComparer.Ordinal);
        int slots = 0;
        foreach (var input in inputNames) slotOf[input] = [slots++];
        foreach (var node in nodes)
        {
            var outs = new int[modules[node.Name].OutputArity];
            for (int i = 0; i < outs.Length; i++) outs[i] = slots++;
            slotOf[node.Name] = outs;
        }

        int Resolve(string reference, string at)
        {
            var (name, index) = ParseReference(reference, at);
            if (!slotOf.TryGetValue(name, out var outs))
                throw new InvalidDataException(
                    $"{at}: \"{reference}\" is neither an input nor a node. Inputs: {string.Join(", ", inputNames)}; nodes: {string.Join(", ", nodes.Select(n => n.Name))}.");
            if (index >= outs.Length)
                throw new InvalidDataException($"{at}: \"{reference}\" asks for output {index}, but '{name}' has {outs.Length} output(s) (0..{outs.Length - 1}).");
            return outs[index];
        }

        var order = TopologicalOrder(nodes, inputNames, where);
        var steps = order.Select(node => new GraphStep(node.Name, modules[node.Name],
            node.Inputs.Select(r => Resolve(r, $"{where}: node '{node.Name}' ({node.Type})")).ToArray(), slotOf[node.Name])).ToList();
        var outputSlots = outputRefs.Select(r => Resolve(r, $"{where}: output")).ToArray();
        steps = FuseChains(steps, outputSlots);
        return new GraphModel(typeName, inputNames, nodes.Select(n => (n.Name, modules[n.Name])).ToList(), [.. steps], outputSlots, outputNames, slots);
    }

    /// <summary>
    /// Joins runs of one-input nodes, each the only consumer of the one before, into one step when their layers declare a
    /// fusion (<see cref="IFusableLayer"/>); the joined step runs where the run's first node ran.
    /// </summary>
    private static List<GraphStep> FuseChains(List<GraphStep> steps, int[] outputSlots)
    {
        var uses = new Dictionary<int, int>();
        foreach (var slot in steps.SelectMany(s => s.InputSlots).Concat(outputSlots)) uses[slot] = uses.GetValueOrDefault(slot) + 1;
        var consumerOf = new Dictionary<int, GraphStep>();
        foreach (var step in steps)
            foreach (var slot in step.InputSlots) consumerOf[slot] = step;
        static bool Linear(GraphStep s) => s.InputSlots.Length == 1 && s.OutputSlots.Length == 1 && s.Module.InputArity == 1;

        var absorbed = new HashSet<GraphStep>();
        var result = new List<GraphStep>(steps.Count);
        foreach (var step in steps)
        {
            if (absorbed.Contains(step)) continue;
            var run = new List<GraphStep> { step };
            while (Linear(run[^1]) && uses.GetValueOrDefault(run[^1].OutputSlots[0]) == 1 && !outputSlots.Contains(run[^1].OutputSlots[0])
                   && consumerOf.TryGetValue(run[^1].OutputSlots[0], out var next) && Linear(next))
                run.Add(next);
            var chain = run.Count > 1 && Linear(step) ? new LayerChain(run.Select(s => s.Module).ToList()) : null;
            if (chain is null || chain.FusionCount == 0)
            {
                result.Add(step);
                continue;
            }
            foreach (var s in run.Skip(1)) absorbed.Add(s);
            result.Add(new GraphStep(run.Select(s => (s.Name, s.Module)).ToList(), chain, step.InputSlots[0], run[^1].OutputSlots[0]));
        }
        return result;
    }

    /// <summary>Kahn's algorithm in listed order; nodes left over lie on a cycle, which the error spells out.</summary>
    private static List<GraphNode> TopologicalOrder(IReadOnlyList<GraphNode> nodes, IReadOnlyList<string> inputNames, string where)
    {
        var done = new HashSet<string>(inputNames, StringComparer.Ordinal);
        var byName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var order = new List<GraphNode>(nodes.Count);
        var pending = nodes.ToList();
        bool progress = true;
        while (pending.Count > 0 && progress)
        {
            progress = false;
            for (int i = 0; i < pending.Count; i++)
            {
                var node = pending[i];
                // Unknown names are reported by the reference check, with the list of what exists.
                if (!node.Inputs.All(r => done.Contains(ReferenceName(r)) || !byName.ContainsKey(ReferenceName(r)))) continue;
                order.Add(node);
                done.Add(node.Name);
                pending.RemoveAt(i--);
                progress = true;
            }
        }
        if (pending.Count == 0) return order;
        var cycle = FindCycle(pending, byName, done);
        throw new InvalidDataException(
            $"{where}: nodes {string.Join(" -> ", cycle.Select(n => $"'{n}'"))} form a cycle; a graph must be acyclic. Remove one of these inputs (a recurrent step belongs inside a layer).");
    }

    private static List<string> FindCycle(List<GraphNode> pending, Dictionary<string, GraphNode> byName, HashSet<string> done)
    {
        // Every pending node waits on another pending node, so walking first waits must revisit a node.
        var path = new List<string>();
        var node = pending[0];
        while (!path.Contains(node.Name))
        {
            path.Add(node.Name);
            var next = node.Inputs.Select(ReferenceName).First(r => byName.ContainsKey(r) && !done.Contains(r));
            node = byName[next];
        }
        var cycle = path.Skip(path.IndexOf(node.Name)).ToList();
        cycle.Add(node.Name);
        return cycle;
    }

    private static string ReferenceName(string reference)
    {
        int colon = reference.LastIndexOf(':');
        return colon < 0 ? reference : reference[..colon];
    }

    private static (string Name, int Index) ParseReference(string reference, string at)
    {
        int colon = reference.LastIndexOf(':');
        if (colon < 0) return (reference, 0);
        if (!int.TryParse(reference.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
            throw new InvalidDataException($"{at}: reference \"{reference}\" must be \"node\" or \"node:k\" with k an output index.");
        return (reference[..colon], index);
    }

    private static void CheckRecursion(GraphSpec spec, string block, List<string> path, string where)
    {
        foreach (var node in spec.Blocks[block].Nodes)
        {
            if (!spec.Blocks.ContainsKey(node.Type)) continue;
            if (path.Contains(node.Type))
                throw new InvalidDataException($"{where}: blocks {string.Join(" -> ", path.Append(node.Type))} contain themselves; a block cannot include itself.");
            CheckRecursion(spec, node.Type, [.. path, node.Type], where);
        }
    }

    /// <summary>The instantiating node's options as the block's parameters, with defaults; unknown or missing ones are errors.</summary>
    private static Dictionary<string, JsonNode?> BlockArguments(GraphBlock block, JsonObject options, string at)
    {
        var unknown = options.Select(kv => kv.Key).Where(k => !block.Parameters.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
            throw new InvalidDataException(
                $"{at}: unknown block parameter(s) {string.Join(", ", unknown.Select(u => $"\"{u}\""))}; the block takes: {string.Join(", ", block.Parameters.Keys)}.");
        var args = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, fallback) in block.Parameters)
        {
            var value = options[name] ?? fallback;
            if (value is null)
                throw new InvalidDataException($"{at}: block parameter \"{name}\" is required; add it to the node's \"options\".");
            args[name] = value;
        }
        return args;
    }

    /// <summary>Replaces every string "$p" in the options (at any depth) with the block argument p.</summary>
    private static JsonObject Substitute(JsonObject options, IReadOnlyDictionary<string, JsonNode?> args, string at)
    {
        JsonNode? Walk(JsonNode? n) => n switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) && s.StartsWith('$') =>
                args.TryGetValue(s[1..], out var a) ? a?.DeepClone()
                : throw new InvalidDataException($"{at}: \"{s}\" names no parameter of this block; declare \"{s[1..]}\" in the block's \"parameters\"."),
            JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, Walk(kv.Value)))),
            JsonArray arr => new JsonArray(arr.Select(Walk).ToArray()),
            _ => n?.DeepClone(),
        };
        return (JsonObject)Walk(options)!;
    }

    /// <summary>Two nodes may not own the same tensor name (node "a" with a weight and node "a.weight").</summary>
    private static void CheckTensorNames(GraphModel model, string where)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in model.NamedParameters().Select(p => p.Name).Concat(model.NamedBuffers().Select(b => b.Name)))
            if (!seen.Add(name))
                throw new InvalidDataException($"{where}: two nodes own the tensor \"{name}\"; rename one of the nodes whose name starts that path.");
    }

    /// <summary>Runs a zero batch of one example through the graph in eval mode, so shape mismatches are found at load.</summary>
    private static void DryRun(GraphModel model, GraphSpec spec, string where)
    {
        if (spec.Inputs.Any(i => i.Shape.Skip(1).Any(d => d < 0))) return; // variable sizes: checked on the first real batch
        bool training = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = new NoGrad();
            var inputs = spec.Inputs.Select(i => Tensor.Zeros(new Shape([1, .. i.Shape[1..]]), i.DType)).ToList();
            model.ForwardMany(inputs);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }
        finally
        {
            model.Train(training);
        }
    }
}
