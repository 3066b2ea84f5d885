using Lepton.Engine;

namespace Lepton.NN.Graph;

/// <summary>
/// A module that runs a directed acyclic graph of modules: the functional model of model.json version 2, and each
/// instance of a block inside it. Each node is a child module named after the node, so state-dict names follow the
/// node names as PyTorch's follow attribute names.
/// </summary>
public sealed partial class GraphModel : Module
{
    private readonly GraphStep[] _steps;
    private readonly int[] _outputSlots;
    private readonly int _slotCount;
    private readonly string _typeName;

    internal GraphModel(string typeName, IReadOnlyList<string> inputNames, IReadOnlyList<(string Name, Module Module)> nodes,
        GraphStep[] steps, int[] outputSlots, IReadOnlyList<string> outputNames, int slotCount)
    {
        _typeName = typeName;
        InputNames = inputNames;
        OutputNames = outputNames;
        foreach (var (name, module) in nodes) RegisterModule(name, module);
        _steps = steps;
        _outputSlots = outputSlots;
        _slotCount = slotCount;
    }

    /// <summary>The spec this model was built from (with its blocks), written back by <c>ModelFile.Save</c>; null for block instances.</summary>
    public GraphSpec? Spec { get; internal set; }

    public IReadOnlyList<string> InputNames { get; }

    public IReadOnlyList<string> OutputNames { get; }

    public override string TypeName => _typeName;

    public override int InputArity => InputNames.Count;

    public override int OutputArity => OutputNames.Count;

    /// <summary>The first output of a one-input graph (the output that a task trains).</summary>
    public override Tensor Forward(Tensor x)
    {
        if (InputNames.Count != 1)
            throw new ArgumentException(
                $"{TypeName} has {InputNames.Count} inputs ({string.Join(", ", InputNames)}); pass them all to ForwardMany in that order.");
        return ForwardMany([x])[0];
    }

    public override IReadOnlyList<Tensor> ForwardMany(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count != InputNames.Count)
            throw new ArgumentException(
                $"{TypeName} takes {InputNames.Count} input(s) ({string.Join(", ", InputNames)}), got {inputs.Count}.");
        var slots = new Tensor[_slotCount];
        for (int i = 0; i < inputs.Count; i++) slots[i] = inputs[i];
        foreach (var step in _steps) step.Run(slots);
        var outputs = new Tensor[_outputSlots.Length];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = slots[_outputSlots[i]];
        return outputs;
    }

    /// <summary>
    /// Appends the layers this graph runs when it is one chain (one input, one output, each node feeding only the next;
    /// block instances flattened); otherwise false, with the node where it branches.
    /// </summary>
    public bool TryFlattenChain(List<Module> layers, out string? reason)
    {
        reason = null;
        if (InputNames.Count != 1 || OutputNames.Count != 1)
        {
            reason = $"the graph has {InputNames.Count} inputs and {OutputNames.Count} outputs; planned steps run one-input, one-output chains";
            return false;
        }
        int current = 0; // the graph input's slot
        foreach (var step in _steps)
        {
            if (step.InputSlots.Length != 1 || step.InputSlots[0] != current || step.OutputSlots.Length != 1)
            {
                reason = $"the graph branches or merges at node '{step.Name}' ({step.Module.TypeName}); planned steps run chains of layers";
                return false;
            }
            foreach (var (name, module) in step.ChainNodes)
            {
                if (module is GraphModel block)
                {
                    if (!block.TryFlattenChain(layers, out var inner))
                    {
                        reason = $"block '{name}': {inner}";
                        return false;
                    }
                }
                else
                {
                    layers.Add(module);
                }
            }
            current = step.OutputSlots[0];
        }
        if (_outputSlots[0] != current)
        {
            reason = "the graph's output is not its last node's";
            return false;
        }
        return true;
    }

    /// <summary>The nodes in execution order, those run as one fused op joined by '+' (e.g. <c>conv1+relu1+pool1</c>).</summary>
    public IReadOnlyList<string> ExecutionPlan => [.. _steps.Select(s => string.Join("+", s.NodeNames))];

    public override string ToString() =>
        $"{TypeName}(\n" + string.Join("\n", NamedChildren().Select(c => $"  ({c.Name}): {c.Module}")) + "\n)";
}
