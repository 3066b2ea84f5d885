using System.Text.Json;
using Lepton.Engine;

namespace Lepton.Serving.Protocol;

/// <summary>A convenience predict request: raw examples (N, ...example shape) and how many top classes to return.</summary>
public sealed record InstancesRequest(Tensor Raw, int? TopK);

/// <summary>
/// Reads <c>{"instances": [...], "top_k": 3}</c>: each instance is one example of raw values, nested like the
/// example shape (a single-channel image may leave out the channel level) or flat.
/// </summary>
public static class InstancesRequestParser
{
    public static InstancesRequest Parse(ReadOnlySpan<byte> json, Shape exampleShape, InferenceParseOptions options)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = options.MaxDepth });
        try
        {
            return Read(ref reader, json, exampleShape, options);
        }
        catch (JsonException ex)
        {
            throw ProtocolException.BadRequest($"Malformed JSON request body: {JsonErrors.Describe(ex, options.MaxDepth)}");
        }
    }

    private static InstancesRequest Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, Shape exampleShape, InferenceParseOptions options)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw ProtocolException.BadRequest("The request body must be a JSON object: {\"instances\": [example, ...]}.");
        var instances = new List<TensorData>();
        int? topK = null;
        bool sawInstances = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "instances":
                    sawInstances = true;
                    if (reader.TokenType != JsonTokenType.StartArray) throw ProtocolException.BadRequest("'instances' must be a JSON array of examples.");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        instances.Add(TensorDataReader.Read(ref reader, ref json, DataLocation.Element("instances", instances.Count), fastPath: false));
                    break;
                case "top_k":
                    topK = TopK(ref reader);
                    break;
                default:
                    throw ProtocolException.BadRequest($"Unknown field '{InferenceRequestParser.Clip(field)}'; the request has instances and top_k.");
            }
        }
        if (reader.Read()) throw ProtocolException.BadRequest("Malformed JSON request body: content follows the closing brace of the request object.");
        if (!sawInstances || instances.Count == 0)
            throw ProtocolException.BadRequest($"No instances: send {{\"instances\": [example, ...]}} with examples of shape {exampleShape}.");
        var dims = exampleShape.ToArray();
        int perExample = exampleShape.Size;
        if ((long)perExample * instances.Count > options.MaxElements)
            throw ProtocolException.BadRequest($"{instances.Count:N0} instances hold more than {options.MaxElements:N0} values, the server's limit.");
        var values = new float[perExample * instances.Count];
        var one = new float[perExample];
        for (int i = 0; i < instances.Count; i++)
        {
            var data = instances[i];
            // A (1,H,W) example may come as (H,W): the channel level is implied.
            int[] compare = data.LeafDepth == dims.Length - 1 && dims.Length > 1 && dims[0] == 1 ? dims[1..] : dims;
            data.CopyTo(one, compare, TensorDatatype.Fp32, $"instances[{i}] (example shape {exampleShape})", options.AllowNonFinite);
            one.CopyTo(values, i * perExample);
            data.Release();
        }
        return new InstancesRequest(Tensor.FromArray(values, [instances.Count, .. dims]), topK);
    }

    /// <summary>The <c>top_k</c> field's value at the reader: a whole number of at least 1, or a 400 that says so.</summary>
    internal static int TopK(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int k) && k >= 1
            ? k
            : throw ProtocolException.BadRequest("'top_k' must be a whole number >= 1.");
}
