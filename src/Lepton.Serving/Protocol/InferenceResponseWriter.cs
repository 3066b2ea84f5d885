using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Lepton.Serving.Outputs;

namespace Lepton.Serving.Protocol;

/// <summary>Who answered and under which ids: the model, the served version, the request's id and the prediction ids.</summary>
public sealed record ResponseIdentity(string Model, string Version, string? RequestId, string PredictionId, IReadOnlyList<string> RowPredictionIds);

/// <summary>
/// Writes an Open Inference Protocol inference response: JSON, followed by raw little-endian output bytes for
/// outputs asked for in binary (the binary tensor extension). Returns the JSON header length when bytes follow.
/// </summary>
public static class InferenceResponseWriter
{
    /// <param name="parameters">Writes further response parameters (a table model's contributions) inside <c>parameters</c>.</param>
    public static int? Write(IBufferWriter<byte> target, ResponseIdentity who, ServedOutputs outputs, InferenceRequest request,
        Action<Utf8JsonWriter>? parameters = null)
    {
        var binaryParts = new List<byte[]>();
        int jsonLength;
        var w = CachedWriter ??= new Utf8JsonWriter(target);
        w.Reset(target);
        try
        {
            w.WriteStartObject();
            w.WriteString("model_name", who.Model);
            w.WriteString("model_version", who.Version);
            if (who.RequestId is not null) w.WriteString("id", who.RequestId);
            w.WriteStartObject("parameters");
            w.WriteString("prediction_id", who.PredictionId);
            if (who.RowPredictionIds.Count > 1)
            {
                w.WriteStartArray("prediction_ids");
                foreach (var id in who.RowPredictionIds) w.WriteStringValue(id);
                w.WriteEndArray();
            }
            parameters?.Invoke(w);
            w.WriteEndObject();
            w.WriteStartArray("outputs");
            if (request.Outputs.Count > 0)
            {
                foreach (var output in request.Outputs) WriteOutput(w, outputs, output.Name, output.Binary || request.BinaryOutput, binaryParts);
            }
            else
            {
                var names = outputs.Names;
                for (int i = 0; i < names.Count; i++) WriteOutput(w, outputs, names[i], request.BinaryOutput, binaryParts);
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.Flush();
            jsonLength = (int)w.BytesCommitted;
        }
        finally
        {
            w.Reset(Stream.Null); // never keep the caller's buffer reachable from the thread
        }
        foreach (var part in binaryParts) target.Write(part);
        return binaryParts.Count > 0 ? jsonLength : null;
    }

    private static void WriteOutput(Utf8JsonWriter w, ServedOutputs outputs, string name, bool binary, List<byte[]> binaryParts)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        if (outputs.WriteProtocolOutput(w, name, binary) is { } bytes) binaryParts.Add(bytes);
        w.WriteEndObject();
    }

    // One writer per thread, reset for each response: Write runs start to end on one thread (no await inside).
    [ThreadStatic]
    private static Utf8JsonWriter? CachedWriter;

    /// <summary>JSON has no NaN or infinity; such values (possible only when the NaN policy allows them in) are written as strings.</summary>
    internal static void WriteFloat(Utf8JsonWriter w, float v)
    {
        if (float.IsFinite(v)) w.WriteNumberValue(v);
        else w.WriteStringValue(float.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
    }

    internal static void WriteShape(Utf8JsonWriter w, params int[] dims)
    {
        w.WriteStartArray("shape");
        foreach (int d in dims) w.WriteNumberValue(d);
        w.WriteEndArray();
    }

    internal static byte[] WriteBinarySize(Utf8JsonWriter w, byte[] bytes)
    {
        w.WriteStartObject("parameters");
        w.WriteNumber("binary_data_size", bytes.Length);
        w.WriteEndObject();
        return bytes;
    }

    /// <summary>
    /// Writes an FP32 output's body, <paramref name="values"/> as (<paramref name="rows"/>, <paramref name="width"/>): shape, datatype
    /// and data, or with <paramref name="binary"/> its size, returning the little-endian bytes that follow the JSON.
    /// </summary>
    internal static byte[]? WriteFp32(Utf8JsonWriter w, float[] values, int rows, int width, bool binary)
    {
        WriteShape(w, rows, width);
        w.WriteString("datatype", "FP32");
        if (binary)
        {
            var bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
            return WriteBinarySize(w, bytes);
        }
        w.WriteStartArray("data");
        foreach (float v in values) WriteFloat(w, v);
        w.WriteEndArray();
        return null;
    }

    /// <summary>Writes a BYTES output's body of one text per row, or with <paramref name="binary"/> its size, returning the length-prefixed UTF-8 bytes.</summary>
    internal static byte[]? WriteTexts(Utf8JsonWriter w, IReadOnlyList<string> texts, bool binary)
    {
        WriteShape(w, texts.Count);
        w.WriteString("datatype", "BYTES");
        if (binary)
        {
            var buffer = new ArrayBufferWriter<byte>();
            foreach (var t in texts)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(t);
                BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), bytes.Length);
                buffer.Advance(4);
                buffer.Write(bytes);
            }
            return WriteBinarySize(w, buffer.WrittenSpan.ToArray());
        }
        w.WriteStartArray("data");
        foreach (var t in texts) w.WriteStringValue(t);
        w.WriteEndArray();
        return null;
    }
}
