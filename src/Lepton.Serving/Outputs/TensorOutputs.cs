using System.Buffers.Binary;
using System.Text.Json;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Outputs;

/// <summary>
/// A batch's outputs as plain tensors: each named output is answered with its shape and values (FP32, or INT32 for integer
/// outputs); the prediction log keeps the first output's values of each row.
/// </summary>
public sealed class TensorOutputs : ServedOutputs
{
    private readonly IReadOnlyList<TensorSignature> _signature;
    private readonly Tensor[] _outputs;
    private readonly float[][] _values;

    public TensorOutputs(IReadOnlyList<TensorSignature> signature, Tensor[] outputs, int rows)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(outputs);
        if (signature.Count != outputs.Length)
            throw new ArgumentException($"The signature names {signature.Count} outputs but the predictor returned {outputs.Length}.", nameof(outputs));
        _signature = signature;
        _outputs = outputs;
        _values = [.. outputs.Select(o => o.ToArray())];
        Rows = rows;
        Names = [.. signature.Select(o => o.Name)];
    }

    public override int Rows { get; }

    public override IReadOnlyList<string> Names { get; }

    /// <summary>The OIP datatype an output of <paramref name="dtype"/> is answered in.</summary>
    public static string Datatype(DType dtype) => dtype == DType.Int32 ? "INT32" : "FP32";

    /// <summary>The values of output <paramref name="index"/>, row-major, as float.</summary>
    public ReadOnlySpan<float> Values(int index) => _values[index];

    public override byte[]? WriteProtocolOutput(Utf8JsonWriter w, string name, bool binary)
    {
        int index = IndexOf(name);
        var values = _values[index];
        bool integer = _outputs[index].DType == DType.Int32;
        w.WriteStartArray("shape");
        foreach (int d in _outputs[index].Shape.Dims) w.WriteNumberValue(d);
        w.WriteEndArray();
        w.WriteString("datatype", Datatype(_outputs[index].DType));
        if (binary)
        {
            var bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++)
            {
                if (integer) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), (int)values[i]);
                else BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
            }
            w.WriteStartObject("parameters");
            w.WriteNumber("binary_data_size", bytes.Length);
            w.WriteEndObject();
            return bytes;
        }
        w.WriteStartArray("data");
        foreach (float v in values)
        {
            if (integer) w.WriteNumberValue((int)v);
            else InferenceResponseWriter.WriteFloat(w, v);
        }
        w.WriteEndArray();
        return null;
    }

    public override void WritePredictRow(Utf8JsonWriter w, int row, int topK)
    {
        w.WriteStartObject("outputs");
        for (int i = 0; i < _outputs.Length; i++)
        {
            w.WriteStartArray(_signature[i].Name);
            foreach (float v in RowValues(i, row)) InferenceResponseWriter.WriteFloat(w, v);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    public override LoggedRow LogRow(int row) => new(null, -1, RowValues(0, row).ToArray());

    private ReadOnlySpan<float> RowValues(int output, int row)
    {
        int perRow = _values[output].Length / Math.Max(1, Rows);
        return _values[output].AsSpan(row * perRow, perRow);
    }

    private int IndexOf(string name)
    {
        for (int i = 0; i < _signature.Count; i++)
            if (_signature[i].Name == name) return i;
        throw new ArgumentException($"No output named '{name}'; the outputs are {string.Join(", ", _signature.Select(s => s.Name))}.", nameof(name));
    }
}
