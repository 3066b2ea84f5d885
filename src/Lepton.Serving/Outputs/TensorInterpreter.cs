using Lepton.Engine;
using Lepton.Runtime;

namespace Lepton.Serving.Outputs;

/// <summary>Outputs that are not class logits, answered as the named tensors the predictor returned (<see cref="TensorOutputs"/>).</summary>
public sealed class TensorInterpreter(PredictorSignature signature) : IOutputInterpreter
{
    public IReadOnlyList<OutputDescription> Outputs { get; } =
        [.. signature.Outputs.Select(o => new OutputDescription(o.Name, TensorOutputs.Datatype(o.DType), o.BatchShape))];

    public ServedOutputs Interpret(TensorSet outputs, int rows)
    {
        var values = new Tensor[outputs.Count];
        for (int i = 0; i < values.Length; i++) values[i] = outputs[i];
        return new TensorOutputs(signature.Outputs, values, rows);
    }
}
