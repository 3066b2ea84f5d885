using Lepton.Engine;

namespace Lepton.NN.Graph;

/// <summary>
/// One node of an executing graph: reads its inputs from value slots and writes its outputs to others. Slots are
/// indices into the per-call value array; graph inputs occupy the first ones.
/// </summary>
internal sealed class GraphStep(string name, Module module, int[] inputSlots, int[] outputSlots)
{
    public string Name { get; } = name;

    public Module Module { get; } = module;

    public int[] InputSlots { get; } = inputSlots;

    public int[] OutputSlots { get; } = outputSlots;

    public void Run(Tensor[] slots)
    {
        if (InputSlots.Length == 1 && OutputSlots.Length == 1 && Module.InputArity is 1 or -1)
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
}
