using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Lepton.Serving.Protocol;

/// <summary>Who answered and under which ids: the model, the served version, the request's id and the prediction ids.</summary>
public sealed record ResponseIdentity(string Model, string Version, string? RequestId, string PredictionId, IReadOnlyList<string> RowPredictionIds);

/// <summary>
/// Writes an Open Inference Protocol inference response: JSON, followed by raw little-endian output bytes for
/// outputs asked for in binary (the binary tensor extension). Returns the JSON header length when bytes follow.
/// </summary>
public static class InferenceResponseWriter
{
    public static int? Write(IBufferWriter<byte> target, ResponseIdentity who, ClassifierOutputs outputs, InferenceRequest request)
    {
        var wanted = request.Outputs.Count > 0 ? request.Outputs : AllOutputs;
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
            w.WriteEndObject();
            w.WriteStartArray("outputs");
            foreach (var output in wanted)
            {
                bool binary = output.Binary || request.BinaryOutput;
                w.WriteStartObject();
                w.WriteString("name", output.Name);
                if (output.Name == OutputNames.Label)
                {
                    WriteShape(w, outputs.Rows);
                    w.WriteString("datatype", "BYTES");
                    if (binary) binaryParts.Add(WriteBinarySize(w, EncodeStrings(outputs)));
                    else
                    {
                        w.WriteStartArray("data");
                        for (int r = 0; r < outputs.Rows; r++) w.WriteStringValue(outputs.Label(outputs.TopClass[r]));
                        w.WriteEndArray();
                    }
                }
                else
                {
                    var values = output.Name == OutputNames.Logits ? outputs.Logits : outputs.Probabilities;
                    WriteShape(w, outputs.Rows, outputs.Classes);
                    w.WriteString("datatype", "FP32");
                    if (binary) binaryParts.Add(WriteBinarySize(w, EncodeFloats(values)));
                    else
                    {
                        w.WriteStartArray("data");
                        foreach (float v in values) WriteFloat(w, v);
                        w.WriteEndArray();
                    }
                }
                w.WriteEndObject();
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

    private static readonly IReadOnlyList<RequestedOutput> AllOutputs = [.. OutputNames.All.Select(n => new RequestedOutput(n, false))];

    // One writer per thread, reset for each response: Write runs start to end on one thread (no await inside).
    [ThreadStatic]
    private static Utf8JsonWriter? CachedWriter;

    /// <summary>JSON has no NaN or infinity; such values (possible only when the NaN policy allows them in) are written as strings.</summary>
    internal static void WriteFloat(Utf8JsonWriter w, float v)
    {
        if (float.IsFinite(v)) w.WriteNumberValue(v);
        else w.WriteStringValue(float.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
    }

    private static void WriteShape(Utf8JsonWriter w, params int[] dims)
    {
        w.WriteStartArray("shape");
        foreach (int d in dims) w.WriteNumberValue(d);
        w.WriteEndArray();
    }

    private static byte[] WriteBinarySize(Utf8JsonWriter w, byte[] bytes)
    {
        w.WriteStartObject("parameters");
        w.WriteNumber("binary_data_size", bytes.Length);
        w.WriteEndObject();
        return bytes;
    }

    private static byte[] EncodeFloats(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    // BYTES elements in binary form: a 4-byte little-endian length, then the UTF-8 bytes.
    private static byte[] EncodeStrings(ClassifierOutputs outputs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        for (int r = 0; r < outputs.Rows; r++)
        {
            var text = Encoding.UTF8.GetBytes(outputs.Label(outputs.TopClass[r]));
            BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), text.Length);
            buffer.Advance(4);
            buffer.Write(text);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
