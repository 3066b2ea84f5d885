using Lepton.Engine;
using Lepton.NN.Fusion;

namespace Lepton.NN.Graph;

/// <summary>
/// One step of an executing graph: a node, or a run of single-input nodes whose layers fuse (conv → ReLU → pool). It reads
/// its inputs from value slots and writes its outputs to others (graph inputs occupy the first slots). Failures come out as
/// <see cref="GraphNodeException"/> naming the node.
/// </summary>
internal sealed class GraphStep
{
    private readonly LayerChain? _chain;
    private readonly (string Name, Module Module)[] _chainNodes = [];
    private readonly Func<int, ArgumentException, Exception>? _onChainError;

    public GraphStep(string name, Module module, int[] inputSlots, int[] outputSlots)
    {
        Name = name;
        Module = module;
        InputSlots = inputSlots;
        OutputSlots = outputSlots;
    }

    /// <summary>A chain of one-input, one-output nodes, each the only consumer of the one before.</summary>
    public GraphStep(IReadOnlyList<(string Name, Module Module)> nodes, LayerChain chain, int inputSlot, int outputSlot)
        : this(nodes[0].Name, nodes[0].Module, [inputSlot], [outputSlot])
    {
        _chain = chain;
        _chainNodes = [.. nodes];
        _onChainError = (i, e) => Named(_chainNodes[i].Name, _chainNodes[i].Module, e);
    }

    public string Name { get; }

    public Module Module { get; }

    public int[] InputSlots { get; }

    public int[] OutputSlots { get; }

    /// <summary>The nodes this step runs in order: one, or a fused chain's.</summary>
    public IReadOnlyList<(string Name, Module Module)> ChainNodes => _chain is null ? [(Name, Module)] : _chainNodes;

    /// <summary>Node names this step runs.</summary>
    public IEnumerable<string> NodeNames => ChainNodes.Select(n => n.Name);

    public void Run(Tensor[] slots)
    {
        if (_chain is not null)
        {
            slots[OutputSlots[0]] = _chain.Forward(slots[InputSlots[0]], _onChainError!);
            return;
        }
        try
        {
            if (InputSlots.Length == 1 && OutputSlots.Length == 1)
            {
                // The common case (a layer on one tensor) needs no argument lists.
                slots[OutputSlots[0]] = Module.Forward(slots[InputSlots[0]]);
                return;
            }
            var args = new Tensor[InputSlots.Length];
            for (int i = 0; i < args.Length; i++) args[i] = slots[InputSlots[i]];
            var outs = Module.ForwardMany(args);
            if (outs.Count != OutputSlots.Length)
                throw new ArgumentException($"returned {outs.Count} outputs, but the graph expects {OutputSlots.Length}.");
            for (int i = 0; i < outs.Count; i++) slots[OutputSlots[i]] = outs[i];
        }
        catch (ArgumentException e)
        {
            throw Named(Name, Module, e);
        }
    }

    // An error inside a block instance already names the inner node: prefix the instance's name to its path.
    private static GraphNodeException Named(string name, Module module, ArgumentException e) => e is GraphNodeException inner
        ? new GraphNodeException(name + "." + inner.NodePath, inner.NodeType, inner.Detail, inner)
        : new GraphNodeException(name, module.TypeName, e.Message, e);
}
