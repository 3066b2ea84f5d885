using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Graph;
using Lepton.NN.Serialization;

namespace Lepton.NN;

/// <summary>Learns a model's output shapes by running a zero batch of one example through it in eval mode.</summary>
public static class ShapeProbe
{
    /// <summary>
    /// The shape of each output for <paramref name="inputs"/> (their -1 sizes taken as 1), batch dimension included;
    /// the model's train/eval mode is restored.
    /// </summary>
    public static IReadOnlyList<Shape> OutputShapes(Module model, IReadOnlyList<InputSpec> inputs)
    {
        // Each module's own mode comes back, not the root's for all: a frozen BatchNorm stays in eval.
        var modes = model.SaveModes();
        model.Eval();
        try
        {
            using var _ = new NoGrad();
            var zeros = inputs.Select(i => Tensor.Zeros(new Shape(i.Shape.Select(d => d < 0 ? 1 : d).ToArray()), i.DType)).ToList();
            return model.ForwardMany(zeros).Select(t => t.Shape).ToList();
        }
        finally
        {
            model.RestoreModes(modes);
        }
    }

    /// <summary>The names of a model's outputs: a graph's own, or <c>output</c> for a one-output module.</summary>
    public static IReadOnlyList<string> OutputNames(Module model) =>
        model is GraphModel g ? g.OutputNames : model.OutputArity == 1 ? ["output"] : [.. Enumerable.Range(0, model.OutputArity).Select(i => $"output{i}")];
}
