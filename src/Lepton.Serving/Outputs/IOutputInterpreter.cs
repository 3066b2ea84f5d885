using Lepton.Runtime;

namespace Lepton.Serving.Outputs;

/// <summary>An output as model metadata describes it: name, OIP datatype and shape with -1 for the batch.</summary>
public sealed record OutputDescription(string Name, string Datatype, int[] Shape);

/// <summary>
/// Turns a predictor's output tensors for a batch into a <see cref="ServedOutputs"/>; one per served version, chosen from its
/// signature by <see cref="OutputInterpreters.For"/>.
/// </summary>
public interface IOutputInterpreter
{
    /// <summary>The outputs a client may ask for, as <c>GET /v2/models/{name}</c> lists them.</summary>
    IReadOnlyList<OutputDescription> Outputs { get; }

    /// <summary>The answer for <paramref name="rows"/> rows from the predictor's outputs (one (N, ...) tensor per signature output).</summary>
    ServedOutputs Interpret(TensorSet outputs, int rows);
}
