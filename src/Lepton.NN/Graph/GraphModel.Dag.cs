namespace Lepton.NN.Graph;

/// <summary>One node of a flattened graph: its path, its module, the value slots it reads and the slot it writes (slot 0: the graph input).</summary>
internal readonly record struct DagNode(string Path, Module Module, int[] Inputs, int Output);

public sealed partial class GraphModel
{
    /// <summary>
    /// Appends every node this graph runs, in execution order, with block instances flattened into their nodes and each value
    /// given one slot across the whole graph; false (with the reason) for a graph or block of several inputs or outputs, or a
    /// node of several outputs. <paramref name="outputSlot"/> is the slot of the graph's output.
    /// </summary>
    internal bool TryFlattenDag(List<DagNode> nodes, out int slotCount, out int outputSlot, out string? reason)
    {
        slotCount = 0;
        outputSlot = -1;
        if (InputNames.Count != 1 || OutputNames.Count != 1)
        {
            reason = $"the graph has {InputNames.Count} inputs and {OutputNames.Count} outputs; planned steps run one-input, one-output graphs";
            return false;
        }
        int next = 1;
        if (!Flatten("", [0], nodes, ref next, out var outputs, out reason)) return false;
        slotCount = next;
        outputSlot = outputs[0];
        return true;
    }

    private bool Flatten(string prefix, int[] inputs, List<DagNode> nodes, ref int next, out int[] outputs, out string? reason)
    {
        outputs = [];
        // This graph's own slots mapped to the flattened graph's: its inputs first, then each step's output as it runs.
        var map = new int[_slotCount];
        Array.Fill(map, -1);
        for (int i = 0; i < inputs.Length; i++) map[i] = inputs[i];
        foreach (var step in _steps)
        {
            if (step.OutputSlots.Length != 1)
            {
                reason = $"node '{prefix}{step.Name}' has {step.OutputSlots.Length} outputs; planned steps run nodes of one output";
                return false;
            }
            var current = step.InputSlots.Select(s => map[s]).ToArray();
            foreach (var (name, module) in step.ChainNodes)
            {
                if (module is GraphModel block)
                {
                    if (block.OutputNames.Count != 1)
                    {
                        reason = $"block '{prefix}{name}' has {block.OutputNames.Count} outputs; planned steps run blocks of one output";
                        return false;
                    }
                    if (!block.Flatten($"{prefix}{name}.", current, nodes, ref next, out var blockOutputs, out reason)) return false;
                    current = blockOutputs;
                }
                else
                {
                    nodes.Add(new DagNode(prefix + name, module, current, next));
                    current = [next++];
                }
            }
            map[step.OutputSlots[0]] = current[0];
        }
        outputs = [.. _outputSlots.Select(s => map[s])];
        reason = null;
        return true;
    }
}
