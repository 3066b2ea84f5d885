using System.Text.Json;

namespace Lepton.Serving.Protocol;

/// <summary>
/// One input tensor of an inference request, validated: numeric inputs as float32 row-major values in <c>Data</c>;
/// BYTES inputs as UTF-8 strings in <c>Texts</c> (row-major, <c>Data</c> empty).
/// </summary>
public sealed record InferenceInput(string Name, int[] Shape, TensorDatatype Datatype, float[] Data, string[]? Texts = null);

/// <summary>An output the client asked for; <c>Binary</c> asks for raw bytes after the JSON (binary tensor extension).</summary>
public sealed record RequestedOutput(string Name, bool Binary);

/// <summary>
/// An Open Inference Protocol inference request: optional id (echoed in the response), inputs, the outputs
/// asked for (empty means all), whether every output should be binary, and the free request parameters.
/// </summary>
public sealed record InferenceRequest(
    string? Id,
    IReadOnlyList<InferenceInput> Inputs,
    IReadOnlyList<RequestedOutput> Outputs,
    bool BinaryOutput,
    IReadOnlyDictionary<string, JsonElement> Parameters);

/// <summary>Bounds applied while parsing, before any model work.</summary>
public sealed record InferenceParseOptions(int MaxDepth = 64, bool AllowNonFinite = false, long MaxElements = 16L * 1024 * 1024)
{
    public static InferenceParseOptions Default { get; } = new();
}
