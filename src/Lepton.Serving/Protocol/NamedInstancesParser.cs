using System.Text.Json;
using Lepton.Engine;
using Lepton.Runtime;

namespace Lepton.Serving.Protocol;

/// <summary>A convenience predict request to a model of several tensor inputs: the rows as protocol inputs, and top_k.</summary>
public sealed record NamedInstancesRequest(InferenceRequest Request, int? TopK);

/// <summary>
/// Reads <c>{"instances": [{"x": [...], "y": [...]}, ...], "top_k": 3}</c> for a model of several named tensor inputs (the row
/// form TensorFlow Serving and KServe v1 use): each instance names every input once, its value nested like that input's example
/// shape (or flat; a number for a one-value input; a model of one input also takes bare values). Variable-length inputs of
/// different lengths are padded by the input's padding rule; the rows become one protocol request, so the signature's own checks
/// apply to them as to /v2 infer.
/// </summary>
public static class NamedInstancesParser
{
    private const string Expected = "{\"instances\": [{\"input\": [...], ...}, ...]}";

    public static NamedInstancesRequest Parse(ReadOnlySpan<byte> json, IReadOnlyList<TensorSignature> inputs, InferenceParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = options.MaxDepth });
        try
        {
            return Read(ref reader, json, inputs, options);
        }
        catch (JsonException ex)
        {
            throw ProtocolException.BadRequest($"Malformed JSON request body: {JsonErrors.Describe(ex, options.MaxDepth)}");
        }
    }

    private static NamedInstancesRequest Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, IReadOnlyList<TensorSignature> inputs, InferenceParseOptions options)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw ProtocolException.BadRequest($"The request body must be a JSON object: {Expected}.");
        var rows = new List<Example[]>();
        int? topK = null;
        bool sawInstances = false;
        long values = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "instances":
                    sawInstances = true;
                    if (reader.TokenType != JsonTokenType.StartArray) throw ProtocolException.BadRequest($"'instances' must be a JSON array of objects: {Expected}.");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        var row = ReadInstance(ref reader, ref json, inputs, rows.Count, options);
                        foreach (var e in row) values += e.Values.Length;
                        if (values > options.MaxElements)
                            throw ProtocolException.BadRequest($"The instances hold more than {options.MaxElements:N0} values, the server's limit.");
                        rows.Add(row);
                    }
                    break;
                case "top_k":
                    topK = InstancesRequestParser.TopK(ref reader);
                    break;
                default:
                    throw ProtocolException.BadRequest($"Unknown field '{InferenceRequestParser.Clip(field)}'; the request has instances and top_k.");
            }
        }
        if (reader.Read()) throw ProtocolException.BadRequest("Malformed JSON request body: content follows the closing brace of the request object.");
        if (!sawInstances || rows.Count == 0) throw ProtocolException.BadRequest($"No instances: send {Expected} naming {Names(inputs)}.");
        var stacked = new List<InferenceInput>(inputs.Count);
        for (int i = 0; i < inputs.Count; i++) stacked.Add(Stack(inputs[i], [.. rows.Select(r => r[i])]));
        return new NamedInstancesRequest(new InferenceRequest(null, stacked, [], false, new Dictionary<string, JsonElement>()), topK);
    }

    // One example of one input: its dimensions and row-major values.
    private sealed record Example(int[] Dims, float[] Values);

    private static Example[] ReadInstance(ref Utf8JsonReader reader, ref ReadOnlySpan<byte> json, IReadOnlyList<TensorSignature> inputs, int index,
        InferenceParseOptions options)
    {
        // A model of one input may take its instances bare, as the single-input form does.
        if (inputs.Count == 1 && reader.TokenType is JsonTokenType.StartArray or JsonTokenType.Number)
            return [ReadExample(ref reader, ref json, inputs[0], $"instances[{index}]", options)];
        if (reader.TokenType != JsonTokenType.StartObject)
            throw ProtocolException.BadRequest($"instances[{index}] is {JsonErrors.Kind(reader.TokenType)}; this model takes each instance as an object naming its inputs {Names(inputs)}.");
        var row = new Example?[inputs.Count];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            reader.Read();
            int at = -1;
            for (int i = 0; i < inputs.Count && at < 0; i++)
                if (inputs[i].Name == name) at = i;
            if (at < 0) throw ProtocolException.BadRequest($"instances[{index}] names '{InferenceRequestParser.Clip(name)}', which is not an input of this model; its inputs are {Names(inputs)}.");
            if (row[at] is not null) throw ProtocolException.BadRequest($"instances[{index}] names '{name}' twice.");
            row[at] = ReadExample(ref reader, ref json, inputs[at], $"instances[{index}].{name}", options);
        }
        for (int i = 0; i < inputs.Count; i++)
        {
            if (row[i] is null)
                throw ProtocolException.BadRequest($"instances[{index}] has no '{inputs[i].Name}'; every instance names all of {Names(inputs)}.");
        }
        return [.. row.Select(e => e!)];
    }

    private static Example ReadExample(ref Utf8JsonReader reader, ref ReadOnlySpan<byte> json, TensorSignature input, string where, InferenceParseOptions options)
    {
        var shape = input.ExampleShape;
        var type = Datatype(input.DType);
        if (reader.TokenType is JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False)
        {
            if (!input.IsFixed || shape.Aggregate(1, (a, d) => a * d) != 1)
                throw ProtocolException.BadRequest($"{where} is one number, but input '{input.Name}' takes {input.BatchShapeText} per batch; send an array.");
            double v = reader.TokenType == JsonTokenType.Number ? (JsonNumber.TryGetDouble(ref reader, out double d) ? d : double.NaN) : reader.TokenType == JsonTokenType.True ? 1 : 0;
            var one = new TensorData();
            one.Add(v);
            var single = new float[1];
            one.CopyTo(single, [1], type, where, options.AllowNonFinite);
            return new Example([.. shape], single);
        }
        var data = TensorDataReader.Read(ref reader, ref json, where, fastPath: false);
        try
        {
            if (data.FirstText >= 0)
                throw ProtocolException.BadRequest($"{where} element {data.FirstText} is a string; input '{input.Name}' takes numbers.");
            int[] dims = input.IsFixed ? shape : Dims(data, input, where);
            // A fixed example may come flat; nested data must then match it level by level.
            int[] compare = input.IsFixed && data.LeafDepth <= 1 ? [dims.Aggregate(1, (a, d) => a * d)] : dims;
            var values = new float[compare.Aggregate(1L, (a, d) => a * d)];
            data.CopyTo(values, compare, type, where, options.AllowNonFinite);
            return new Example(dims, values);
        }
        finally
        {
            data.Release();
        }
    }

    // A variable-length example takes its dimensions from its nesting: fixed axes must match, -1 axes take what was sent.
    private static int[] Dims(TensorData data, TensorSignature input, string where)
    {
        var shape = input.ExampleShape;
        int[] dims = shape.Length == 1 && data.LeafDepth <= 1 ? [data.Count] : data.LeafDepth == shape.Length ? [.. data.Lengths.Take(shape.Length)] : [];
        bool fits = dims.Length == shape.Length;
        for (int d = 0; fits && d < dims.Length; d++) fits = shape[d] == -1 ? dims[d] >= 1 : dims[d] == shape[d];
        if (!fits)
            throw ProtocolException.BadRequest(
                $"{where} is nested [{string.Join(",", data.Lengths)}], but input '{input.Name}' takes examples of shape [{string.Join(",", shape)}] (-1: any length >= 1); nest it like that.");
        return dims;
    }

    // Examples of one input become one (N, ...) input; lengths that differ are padded along the input's padding axis.
    private static InferenceInput Stack(TensorSignature input, Example[] examples)
    {
        int[] dims = [.. examples[0].Dims];
        bool same = examples.All(e => e.Dims.AsSpan().SequenceEqual(dims));
        if (!same)
        {
            if (input.Padding is not { } padding)
                throw ProtocolException.BadRequest($"The instances' '{input.Name}' differ in shape ([{string.Join(",", examples[0].Dims)}] and " +
                    $"[{string.Join(",", examples.First(e => !e.Dims.AsSpan().SequenceEqual(dims)).Dims)}]), and the model has no padding rule for it; send equal shapes.");
            for (int d = 0; d < dims.Length; d++) dims[d] = examples.Max(e => e.Dims[d]);
            for (int d = 0; d < dims.Length; d++)
            {
                if (d != padding.Axis && examples.Any(e => e.Dims[d] != dims[d]))
                    throw ProtocolException.BadRequest($"The instances' '{input.Name}' differ along example axis {d}; only axis {padding.Axis} may vary (it is padded).");
            }
        }
        int per = dims.Aggregate(1, (a, d) => a * d);
        var values = new float[per * examples.Length];
        for (int i = 0; i < examples.Length; i++) Place(examples[i], dims, input.Padding, values.AsSpan(i * per, per));
        return new InferenceInput(input.Name, [examples.Length, .. dims], Datatype(input.DType), values);
    }

    // Copies one example into its slot of the padded shape: its rows along the padding axis, the rest filled with the pad value.
    private static void Place(Example example, int[] dims, PaddingRule? padding, Span<float> slot)
    {
        if (example.Dims.AsSpan().SequenceEqual(dims))
        {
            example.Values.CopyTo(slot);
            return;
        }
        int axis = padding!.Axis;
        int outer = dims[..axis].Aggregate(1, (a, d) => a * d);
        int inner = dims[(axis + 1)..].Aggregate(1, (a, d) => a * d);
        slot.Fill((float)padding.Value);
        int have = example.Dims[axis] * inner, want = dims[axis] * inner;
        for (int o = 0; o < outer; o++) example.Values.AsSpan(o * have, have).CopyTo(slot.Slice(o * want, have));
    }

    private static TensorDatatype Datatype(DType dtype) => dtype switch
    {
        DType.Int32 => TensorDatatype.Int32,
        DType.Int64 => TensorDatatype.Int64,
        DType.Int8 => TensorDatatype.Int8,
        DType.UInt8 => TensorDatatype.Uint8,
        DType.Float64 => TensorDatatype.Fp64,
        _ => TensorDatatype.Fp32,
    };

    private static string Names(IReadOnlyList<TensorSignature> inputs) => string.Join(", ", inputs.Select(i => $"'{i.Name}'"));
}
