using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Graph;
using Lepton.NN.Layers;

namespace Lepton.Training.Transfer;

/// <summary>
/// Swaps a classifier's head for a fresh one with another number of classes, keeping every other layer and its weights: the
/// last <see cref="Linear"/> of a <see cref="Sequential"/>, or the Linear node that produces a graph's first output.
/// </summary>
public static class ModelHead
{
    /// <summary>The new model (sharing the parent's layers and weights except the head) and the head's own module.</summary>
    public static (Module Model, Module Head) Replace(Module parent, int classes, Generator rng)
    {
        if (classes < 1) throw new ArgumentException($"A new head needs at least one class, got {classes}.");
        return parent switch
        {
            Sequential s => ReplaceInSequential(s, classes, rng),
            GraphModel { Spec: { } spec } g => ReplaceInGraph(g, spec, classes, rng),
            _ => throw new ArgumentException(
                $"Transfer learning replaces the head of a Sequential or graph model; the parent is a {parent.TypeName}. Export it as a model.json model first."),
        };
    }

    private static (Module, Module) ReplaceInSequential(Sequential s, int classes, Generator rng)
    {
        int at = -1;
        for (int i = s.Count - 1; i >= 0 && at < 0; i--) if (s[i] is Linear) at = i;
        if (at < 0)
            throw new ArgumentException("The parent model has no Linear layer to replace as its head; transfer learning needs a classifier ending in Linear.");
        var old = (Linear)s[at];
        var head = new Linear(old.InFeatures, classes, old.Options, rng);
        var layers = s.Layers.ToList();
        layers[at] = head;
        return (new Sequential(layers), head);
    }

    // The graph is rebuilt from its spec with the head node's out_features changed (so model.json describes the new head),
    // then every tensor but the head's is copied from the parent.
    private static (Module, Module) ReplaceInGraph(GraphModel g, GraphSpec spec, int classes, Generator rng)
    {
        string source = spec.Outputs[0].Source;
        string nodeName = source.Split(':')[0];
        var node = spec.Nodes.FirstOrDefault(n => n.Name == nodeName)
            ?? throw new ArgumentException($"The parent graph's output '{spec.Outputs[0].Name}' comes from '{source}', which is not a node of the graph.");
        if (node.Type != "Linear")
            throw new ArgumentException(
                $"The parent graph's output '{spec.Outputs[0].Name}' comes from node '{nodeName}' of type {node.Type}; transfer learning replaces a Linear head. End the graph with a Linear node.");
        var options = (JsonObject)node.Options.DeepClone();
        options["out_features"] = classes;
        var nodes = spec.Nodes.Select(n => n.Name == nodeName ? n with { Options = options } : n).ToList();
        var model = GraphBuilder.Build(spec with { Nodes = nodes }, rng, "transfer head");
        var head = model.NamedChildren().First(c => c.Name == nodeName).Module;
        string prefix = nodeName + ".";
        var fresh = model.StateDict();
        var state = g.StateDict().Where(kv => !kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Concat(fresh.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        model.LoadStateDict(state);
        return (model, head);
    }
}
