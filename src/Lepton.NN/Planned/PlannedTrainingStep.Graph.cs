using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Graph;
using Lepton.NN.Layers;

namespace Lepton.NN.Planned;

/// <summary>Planning a graph that branches and merges (residual blocks) node by node.</summary>
public sealed partial class PlannedTrainingStep
{
    /// <summary>
    /// A graph that branches and merges (residual blocks): its nodes in execution order over one buffer per value, an
    /// <see cref="Add"/> of two inputs planned as <see cref="PlannedAdd"/>. Where a value feeds two nodes, the node whose
    /// backward runs first writes the value's gradient and the other adds its share after it: a + b, the sum the recorded
    /// backward makes, so the bits agree. A value read more than twice is refused (a longer sum's order would matter).
    /// </summary>
    private static PlannedTrainingStep? TryCreateGraph(Module model, GraphModel graph, Shape inputShape, out string? reason)
    {
        var nodes = new List<DagNode>();
        if (!graph.TryFlattenDag(nodes, out int slotCount, out int outputSlot, out reason)) return null;
        if (nodes.Count == 0 || nodes[^1].Output != outputSlot) { reason = "the graph's output is not its last node's"; return null; }
        if (!ParametersPlannable(model, out reason)) return null;
        var readers = new int[slotCount];
        foreach (var n in nodes) foreach (var s in n.Inputs) readers[s]++;
        if (Array.FindIndex(readers, r => r > 2) is var busy and >= 0)
        {
            reason = $"a value is read {readers[busy]} times (last by '{nodes.Last(n => n.Inputs.Contains(busy)).Path}'); planned steps sum at most two gradients per value";
            return null;
        }
        var shapes = SlotShapes(model, nodes, slotCount, inputShape);
        if (shapes[outputSlot].Rank != 2) { reason = $"the model's output {shapes[outputSlot]} is not (N, classes)"; return null; }

        var planned = new PlannedLayer[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            var (path, module, inputs, _) = nodes[i];
            if (module is Add && inputs.Length == 2 && shapes[inputs[0]] == shapes[inputs[1]])
            {
                planned[i] = new PlannedAdd((Add)module);
                continue;
            }
            if (inputs.Length != 1 || module is not IPlannableLayer plannable)
            {
                reason = $"node '{path}' ({module.TypeName}) has no planned form";
                return null;
            }
            if (plannable.PlanRefusal is { } why) { reason = $"node '{path}' ({module.TypeName}) has no planned form: {why}"; return null; }
            // Nothing is absorbed across nodes here: the next node may not be this one's only reader.
            planned[i] = plannable.Plan(shapes[inputs[0]], [], out _);
        }

        // Forward: one buffer per value, each node's output the input of its readers.
        var input = PlannedLayer.Buffer(inputShape);
        var values = new Tensor[slotCount];
        values[0] = input;
        for (int i = 0; i < nodes.Count; i++)
        {
            var (layer, node) = (planned[i], nodes[i]);
            layer.X = values[node.Inputs[0]];
            if (layer is PlannedAdd add) add.X2 = values[node.Inputs[1]];
            layer.Y = layer.ViewsInput ? PlannedLayer.View(layer.X, shapes[node.Output]) : PlannedLayer.Buffer(shapes[node.Output]);
            values[node.Output] = layer.Y;
        }
        // A value needs a gradient when something trainable comes before it.
        var trainableBefore = new bool[slotCount];
        for (int i = 0; i < nodes.Count; i++)
            trainableBefore[nodes[i].Output] = planned[i].HasTrainableParameters || nodes[i].Inputs.Any(s => trainableBefore[s]);
        if (!trainableBefore[outputSlot]) { reason = "the model has no trainable parameter"; return null; }

        // Backward, planned in reverse: the first reader to run backward writes the value's gradient buffer, a second its own.
        var gradients = new Tensor?[slotCount];
        var logitsGrad = gradients[outputSlot] = PlannedLayer.Buffer(shapes[outputSlot]);
        var accumulate = new (Tensor, Tensor)[nodes.Count][];
        for (int i = nodes.Count - 1; i >= 0; i--)
        {
            var (layer, node) = (planned[i], nodes[i]);
            layer.GY = gradients[node.Output] ?? PlannedLayer.Buffer(shapes[node.Output]); // an output no later node reads
            var own = new List<(Tensor, Tensor)>();
            for (int k = 0; k < node.Inputs.Length; k++)
            {
                int slot = node.Inputs[k];
                if (!trainableBefore[slot]) continue;
                Tensor gx;
                if (gradients[slot] is null)
                {
                    // An add passes gy on unchanged: its first input gradient is gy's own buffer (the second, if it is also
                    // gy's, would be summed into by the first's readers; it gets a copy).
                    bool passOn = layer is PlannedAdd && k == 0;
                    gx = gradients[slot] = passOn ? layer.GY : layer.ViewsInput ? PlannedLayer.View(layer.GY, shapes[slot]) : PlannedLayer.Buffer(shapes[slot]);
                }
                else
                {
                    if (layer.ViewsInput) { reason = $"node '{node.Path}' ({layer.Layer.TypeName}) reshapes a value another node also reads"; return null; }
                    gx = PlannedLayer.Buffer(shapes[slot]);
                    own.Add((gx, gradients[slot]!));
                }
                if (k == 0) layer.GX = gx;
                else ((PlannedAdd)layer).GX2 = gx;
            }
            accumulate[i] = [.. own];
        }
        reason = null;
        return new PlannedTrainingStep(inputShape, planned, input, logitsGrad, accumulate);
    }

    // Each value's shape for a zero batch run through the nodes in eval mode without gradients.
    private static Shape[] SlotShapes(Module model, List<DagNode> nodes, int slotCount, Shape inputShape)
    {
        var modes = model.SaveModes();
        model.Eval();
        try
        {
            using var _ = new NoGrad();
            var values = new Tensor[slotCount];
            values[0] = Tensor.Zeros(inputShape);
            foreach (var n in nodes)
                values[n.Output] = n.Inputs.Length == 1 ? n.Module.Forward(values[n.Inputs[0]]) : n.Module.ForwardMany([.. n.Inputs.Select(s => values[s])])[0];
            return [.. values.Select(v => v?.Shape ?? new Shape(0))];
        }
        finally
        {
            model.RestoreModes(modes);
        }
    }
}
