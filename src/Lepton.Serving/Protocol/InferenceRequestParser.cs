using System.Text.Json;

namespace Lepton.Serving.Protocol;

/// <summary>
/// Reads an inference request (JSON header plus optional binary tail) in one forward pass with a bounded
/// nesting depth. Every problem becomes a <see cref="ProtocolException"/> (400) naming the field and the fix.
/// </summary>
public static class InferenceRequestParser
{
    private const string Fields = "id, parameters, inputs and outputs";

    public static InferenceRequest Parse(ReadOnlySpan<byte> json, ReadOnlySpan<byte> binary, InferenceParseOptions? options = null)
    {
        options ??= InferenceParseOptions.Default;
        try
        {
            return Read(json, binary, options, fastPath: true);
        }
        catch (JsonException)
        {
            // The reader's error positions after a fast-read data array count from that array; read again the plain way
            // so the client sees the position in the whole body.
        }
        try
        {
            return Read(json, binary, options, fastPath: false);
        }
        catch (JsonException ex)
        {
            throw ProtocolException.BadRequest($"Malformed JSON request body: {JsonErrors.Describe(ex, options.MaxDepth)}");
        }
    }

    private static InferenceRequest Read(ReadOnlySpan<byte> json, ReadOnlySpan<byte> binary, InferenceParseOptions options, bool fastPath)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = options.MaxDepth });
        return ReadRequest(ref reader, ref json, binary, options, fastPath);
    }

    // json: the bytes the reader reads (see TensorDataReader.Read).
    private static InferenceRequest ReadRequest(ref Utf8JsonReader reader, ref ReadOnlySpan<byte> json, ReadOnlySpan<byte> binary, InferenceParseOptions options,
        bool fastPath)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw ProtocolException.BadRequest($"The request body must be a JSON object with {Fields}.");
        string? id = null;
        var inputs = new List<RawInput>();
        var outputs = new List<RequestedOutput>();
        IReadOnlyDictionary<string, JsonElement> parameters = JsonParameters.None;
        bool sawInputs = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            // Field names are compared as UTF-8 bytes: no string per field and request.
            if (reader.ValueTextEquals("inputs"u8))
            {
                reader.Read();
                sawInputs = true;
                ExpectArray(ref reader, "inputs");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) inputs.Add(ReadInput(ref reader, ref json, inputs.Count, fastPath));
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw ProtocolException.BadRequest("'id' must be a string.");
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                parameters = JsonParameters.Read(ref reader, "parameters");
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                reader.Read();
                ExpectArray(ref reader, "outputs");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) outputs.Add(ReadOutput(ref reader, outputs.Count));
            }
            else throw ProtocolException.BadRequest($"Unknown field '{Clip(reader.GetString()!)}' in the inference request; it has {Fields}.");
        }
        if (reader.Read()) throw ProtocolException.BadRequest("Malformed JSON request body: content follows the closing brace of the request object.");
        if (!sawInputs || inputs.Count == 0)
            throw ProtocolException.BadRequest("The inference request has no inputs: send \"inputs\": [{\"name\", \"shape\", \"datatype\", \"data\"}].");
        bool binaryOutput = JsonParameters.Bool(parameters, "binary_data_output", "parameters");
        return new InferenceRequest(id, Convert(inputs, binary, options), outputs, binaryOutput, parameters);
    }

    private static RawInput ReadInput(ref Utf8JsonReader reader, ref ReadOnlySpan<byte> json, int index, bool fastPath)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw ProtocolException.BadRequest($"inputs[{index}] must be an object with name, shape, datatype and data.");
        var input = new RawInput { Index = index };
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var field = InputField(ref reader);
            reader.Read();
            switch (field)
            {
                case "name":
                    input.Name = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw ProtocolException.BadRequest($"inputs[{index}].name must be a string.");
                    break;
                case "datatype":
                    input.Datatype = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw ProtocolException.BadRequest($"inputs[{index}].datatype must be a string such as \"FP32\".");
                    break;
                case "shape":
                    input.Shape = ReadShape(ref reader, index);
                    break;
                case "parameters":
                    var p = JsonParameters.Read(ref reader, $"inputs[{index}].parameters");
                    input.BinarySize = JsonParameters.Long(p, "binary_data_size", $"inputs[{index}].parameters");
                    break;
                case "data":
                    input.Data = TensorDataReader.Read(ref reader, ref json, DataLocation.Element("inputs", index, ".data"), fastPath);
                    break;
                default:
                    throw ProtocolException.BadRequest($"Unknown field '{Clip(field)}' in inputs[{index}]; an input has name, shape, datatype, parameters and data.");
            }
        }
        return input;
    }

    // The known names as interned constants (no allocation); an unknown name is read as a string for the error message.
    private static string InputField(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("data"u8) ? "data"
        : reader.ValueTextEquals("name"u8) ? "name"
        : reader.ValueTextEquals("shape"u8) ? "shape"
        : reader.ValueTextEquals("datatype"u8) ? "datatype"
        : reader.ValueTextEquals("parameters"u8) ? "parameters"
        : reader.GetString()!;

    private static int[] ReadShape(ref Utf8JsonReader reader, int index)
    {
        ExpectArray(ref reader, $"inputs[{index}].shape");
        Span<int> dims = stackalloc int[32];
        int rank = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int d) || d < 0)
                throw ProtocolException.BadRequest($"inputs[{index}].shape must list whole numbers >= 0 (the batch size first), e.g. [1, 1, 28, 28].");
            if (rank == 32) throw ProtocolException.BadRequest($"inputs[{index}].shape has more than 32 dimensions.");
            dims[rank++] = d;
        }
        return dims[..rank].ToArray();
    }

    private static RequestedOutput ReadOutput(ref Utf8JsonReader reader, int index)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw ProtocolException.BadRequest($"outputs[{index}] must be an object such as {{\"name\": \"probabilities\"}}.");
        string? name = null;
        bool binary = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "name":
                    name = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw ProtocolException.BadRequest($"outputs[{index}].name must be a string.");
                    break;
                case "parameters":
                    binary = JsonParameters.Bool(JsonParameters.Read(ref reader, $"outputs[{index}].parameters"), "binary_data", $"outputs[{index}].parameters");
                    break;
                default:
                    throw ProtocolException.BadRequest($"Unknown field '{Clip(field)}' in outputs[{index}]; an output has name and parameters.");
            }
        }
        return new RequestedOutput(name ?? throw ProtocolException.BadRequest($"outputs[{index}] has no name."), binary);
    }

    private static List<InferenceInput> Convert(List<RawInput> raw, ReadOnlySpan<byte> binary, InferenceParseOptions options)
    {
        var result = new List<InferenceInput>(raw.Count);
        long offset = 0;
        foreach (var input in raw)
        {
            if (string.IsNullOrEmpty(input.Name)) throw ProtocolException.BadRequest($"inputs[{input.Index}] has no name.");
            var where = DataLocation.Input(input.Name);
            if (input.Shape is null) throw ProtocolException.BadRequest($"{where} has no shape, e.g. \"shape\": [1, 1, 28, 28].");
            if (input.Datatype is null) throw ProtocolException.BadRequest($"{where} has no datatype, e.g. \"datatype\": \"FP32\".");
            if (!TensorDatatypes.TryParse(input.Datatype, out var type))
                throw ProtocolException.BadRequest($"{where} has unknown datatype '{Clip(input.Datatype)}'; use one of {TensorDatatypes.NumericList} (names are case-sensitive).");
            // BOOL (true/false in JSON data) fills a table model's boolean column; the model's signature refuses it elsewhere.
            if (type == TensorDatatype.Bool && input.BinarySize is not null)
                throw ProtocolException.BadRequest($"{where} has datatype BOOL with binary data; send BOOL values as JSON true/false.");
            long count = 1;
            foreach (int d in input.Shape)
            {
                count *= d;
                if (count > options.MaxElements)
                    throw ProtocolException.BadRequest($"{where} shape [{string.Join(",", input.Shape)}] holds more than {options.MaxElements:N0} elements, the server's limit.");
            }
            if (type == TensorDatatype.Bytes)
            {
                result.Add(new InferenceInput(input.Name, input.Shape, type, [], ReadTexts(input, count, binary, ref offset, where)));
                continue;
            }
            // Sizes are checked against what the client actually sent before anything of the shape's size is allocated.
            float[] values;
            if (input.BinarySize is { } size)
            {
                if (input.Data is not null) throw ProtocolException.BadRequest($"{where} has both data and binary_data_size; send one of them.");
                long expected = count * TensorDatatypes.ElementSize(type);
                if (size != expected)
                    throw ProtocolException.BadRequest($"{where}: binary_data_size is {size:N0} bytes, but shape [{string.Join(",", input.Shape)}] of {input.Datatype} needs {expected:N0}.");
                if (offset + size > binary.Length)
                    throw ProtocolException.BadRequest($"{where}: binary_data_size {size:N0} reaches past the {binary.Length:N0} bytes that follow the JSON header (check Inference-Header-Content-Length).");
                values = new float[count];
                TensorDatatypes.DecodeLittleEndian(type, binary.Slice((int)offset, (int)size), values);
                offset += size;
                CheckFinite(values, where, options);
            }
            else
            {
                if (input.Data is null) throw ProtocolException.BadRequest($"{where} has no data (or binary_data_size with the binary tensor extension).");
                if (input.Data.Count != count)
                    throw ProtocolException.BadRequest(
                        $"{where}: shape [{string.Join(",", input.Shape)}] holds {count:N0} values, but data has {input.Data.Count:N0}; send exactly as many values as the shape holds.");
                if (input.Data.FirstText >= 0)
                    throw ProtocolException.BadRequest(
                        $"{where} element {input.Data.FirstText} is a string, but the datatype is {input.Datatype}; send numbers, or strings with datatype BYTES to a text model.");
                values = new float[count];
                input.Data.CopyTo(values, input.Shape, type, where, options.AllowNonFinite);
                input.Data.Release();
                if (type == TensorDatatype.Bool && Array.FindIndex(values, v => v is not (0f or 1f)) is var bad and >= 0)
                    throw ProtocolException.BadRequest($"{where} element {bad} is {values[bad]}; BOOL data holds true/false (or 1/0).");
            }
            result.Add(new InferenceInput(input.Name, input.Shape, type, values));
        }
        if (offset != binary.Length)
            throw ProtocolException.BadRequest($"The request carries {binary.Length:N0} bytes of binary data after the JSON header, but the inputs' binary_data_size add up to {offset:N0}.");
        return result;
    }

    // BYTES elements: JSON strings, or in the binary extension each a 4-byte little-endian length then that many UTF-8 bytes.
    private static string[] ReadTexts(RawInput input, long count, ReadOnlySpan<byte> binary, ref long offset, DataLocation where)
    {
        if (input.BinarySize is { } size)
        {
            if (input.Data is not null) throw ProtocolException.BadRequest($"{where} has both data and binary_data_size; send one of them.");
            if (size < 4 * count || offset + size > binary.Length)
                throw ProtocolException.BadRequest(
                    $"{where}: binary_data_size {size:N0} cannot hold {count:N0} length-prefixed strings within the {binary.Length:N0} bytes after the JSON header.");
            var part = binary.Slice((int)offset, (int)size);
            var texts = new string[count];
            int at = 0;
            for (long i = 0; i < count; i++)
            {
                if (part.Length - at < 4) throw ProtocolException.BadRequest($"{where}: binary data ends inside the length of element {i}.");
                uint length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(part[at..]);
                at += 4;
                if (length > (uint)(part.Length - at)) throw ProtocolException.BadRequest($"{where}: element {i} says {length:N0} bytes, more than the {part.Length - at:N0} left.");
                texts[i] = DecodeUtf8(part.Slice(at, (int)length), where, i);
                at += (int)length;
            }
            if (at != part.Length) throw ProtocolException.BadRequest($"{where}: binary_data_size is {size:N0} bytes, but its {count:N0} strings take {at:N0}.");
            offset += size;
            return texts;
        }
        if (input.Data is null) throw ProtocolException.BadRequest($"{where} has no data (or binary_data_size with the binary tensor extension).");
        if (input.Data.Count != count)
            throw ProtocolException.BadRequest(
                $"{where}: shape [{string.Join(",", input.Shape!)}] holds {count:N0} strings, but data has {input.Data.Count:N0}; send exactly as many as the shape holds.");
        if (input.Data.Strings is not { } strings || strings.Count != count)
            throw ProtocolException.BadRequest($"{where} has datatype BYTES, so every element must be a JSON string; it holds numbers.");
        var result = strings.ToArray();
        input.Data.Release();
        return result;
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes, DataLocation where, long index)
    {
        try
        {
            return Utf8Strict.GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw ProtocolException.BadRequest($"{where}: element {index} is not valid UTF-8; BYTES inputs to a text model carry UTF-8 text.");
        }
    }

    private static readonly System.Text.UTF8Encoding Utf8Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static void CheckFinite(ReadOnlySpan<float> values, DataLocation where, InferenceParseOptions options)
    {
        if (options.AllowNonFinite) return;
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw ProtocolException.BadRequest($"{where} element {i} is {values[i]}; NaN and infinite values are rejected (fix the client's data).");
        }
    }

    private static void ExpectArray(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw ProtocolException.BadRequest($"'{what}' must be a JSON array.");
    }

    internal static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "...";

    private sealed class RawInput
    {
        public int Index;
        public string? Name;
        public string? Datatype;
        public int[]? Shape;
        public long? BinarySize;
        public TensorData? Data;
    }
}
