using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Serving.Protocol;

/// <summary>The outputs every served classifier offers.</summary>
public static class OutputNames
{
    public const string Logits = "logits";
    public const string Probabilities = "probabilities";
    public const string Label = "label";

    public static IReadOnlyList<string> All { get; } = [Logits, Probabilities, Label];
}

/// <summary>
/// What a served model takes and gives, as the protocol describes it: one FP32 input with a free batch
/// dimension, and the outputs logits and probabilities (N, classes) and label (N).
/// </summary>
public sealed record ModelSignature(string InputName, Shape ExampleShape, IReadOnlyList<string> ClassNames)
{
    public static ModelSignature From(ModelSpec spec, Shape exampleShape) => new(spec.Input.Name, exampleShape, spec.ClassNames);

    /// <summary>Classes the model outputs, or -1 when the model names none (unknown until it runs).</summary>
    public int Classes => ClassNames.Count > 0 ? ClassNames.Count : -1;

    /// <summary>The input shape with -1 for the batch dimension, e.g. [-1, 1, 28, 28].</summary>
    public int[] InputShape => [-1, .. ExampleShape.ToArray()];

    public string InputShapeText => $"[{string.Join(",", InputShape)}]";

    /// <summary>
    /// Checks a parsed request against this signature before any model work and returns the input as a raw
    /// (N, ...) float32 tensor; every mismatch is a 400 naming what the model expects.
    /// </summary>
    public Tensor Validate(InferenceRequest request, string model)
    {
        if (request.Inputs.Count != 1)
            throw ProtocolException.BadRequest($"Model '{model}' takes one input '{InputName}' {InputShapeText}; the request sends {request.Inputs.Count}.");
        var input = request.Inputs[0];
        if (input.Name != InputName)
            throw ProtocolException.BadRequest($"Model '{model}' has no input '{InferenceRequestParser.Clip(input.Name)}'; its input is '{InputName}' {InputShapeText}.");
        var shape = input.Shape;
        bool fits = shape.Length == ExampleShape.Rank + 1 && shape.AsSpan(1).SequenceEqual(ExampleShape.Dims);
        if (!fits)
            throw ProtocolException.BadRequest(
                $"Input '{InputName}' has shape [{string.Join(",", shape)}], but model '{model}' expects {InputShapeText} (any batch size N >= 1 first).");
        if (shape[0] < 1)
            throw ProtocolException.BadRequest($"Input '{InputName}' has batch size 0; send at least one example.");
        foreach (var output in request.Outputs)
        {
            if (!OutputNames.All.Contains(output.Name))
                throw ProtocolException.BadRequest(
                    $"Model '{model}' has no output '{InferenceRequestParser.Clip(output.Name)}'; its outputs are {string.Join(", ", OutputNames.All)}.");
        }
        return Tensor.FromArray(input.Data, shape);
    }
}
