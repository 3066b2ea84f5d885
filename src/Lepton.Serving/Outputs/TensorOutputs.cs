using System.Buffers.Binary;
using System.Text.Json;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Outputs;

/// <summary>
/// A batch's outputs as plain tensors: each named output is answered with its shape and values (FP32, or for integer outputs
/// their own INT32, INT64, INT8 or UINT8, exact); the prediction log keeps the first output's values of each row.
/// </summary>
public sealed class TensorOutputs : ServedOutputs
{
    private readonly IReadOnlyList<TensorSignature> _signature;
    private readonly Tensor[] _outputs;
    private readonly float[][] _values;
    private readonly long[]?[] _integers;

    public TensorOutputs(IReadOnlyList<TensorSignature> signature, Tensor[] outputs, int rows)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(outputs);
        if (signature.Count != outputs.Length)
            throw new ArgumentException($"The signature names {signature.Count} outputs but the predictor returned {outputs.Length}.", nameof(outputs));
        _signature = signature;
        _outputs = outputs;
        _values = [.. outputs.Select(o => o.ToArray())];
        // Integer outputs (labels, ids) keep every value exactly; float32 holds integers only up to 2^24.
        _integers = [.. outputs.Select(o => o.DType.IsInteger() ? o.To(DType.Int64).ToArray<long>() : null)];
        Rows = rows;
        Names = [.. signature.Select(o => o.Name)];
    }

    public override int Rows { get; }

    public override IReadOnlyList<string> Names { get; }

    /// <summary>The OIP datatype an output of <paramref name="dtype"/> is answered in: integers as they are, every float as FP32.</summary>
    public static string Datatype(DType dtype) => dtype.IsInteger() ? ModelSignature.Datatype(dtype) : "FP32";

    /// <summary>The values of output <paramref name="index"/>, row-major, as float.</summary>
    public ReadOnlySpan<float> Values(int index) => _values[index];

    public override byte[]? WriteProtocolOutput(Utf8JsonWriter w, string name, bool binary)
    {
        int index = IndexOf(name);
        var values = _values[index];
        var integers = _integers[index];
        var dtype = _outputs[index].DType;
        w.WriteStartArray("shape");
        foreach (int d in _outputs[index].Shape.Dims) w.WriteNumberValue(d);
        w.WriteEndArray();
        w.WriteString("datatype", Datatype(dtype));
        if (binary)
        {
            int size = integers is null ? 4 : dtype.SizeOf();
            var bytes = new byte[values.Length * size];
            for (int i = 0; i < values.Length; i++)
            {
                var at = bytes.AsSpan(i * size);
                switch (dtype)
                {
                    case DType.Int64: BinaryPrimitives.WriteInt64LittleEndian(at, integers![i]); break;
                    case DType.Int32: BinaryPrimitives.WriteInt32LittleEndian(at, (int)integers![i]); break;
                    case DType.Int8 or DType.UInt8: at[0] = (byte)integers![i]; break;
                    default: BinaryPrimitives.WriteSingleLittleEndian(at, values[i]); break;
                }
            }
            w.WriteStartObject("parameters");
            w.WriteNumber("binary_data_size", bytes.Length);
            w.WriteEndObject();
            return bytes;
        }
        w.WriteStartArray("data");
        for (int i = 0; i < values.Length; i++)
        {
            if (integers is not null) w.WriteNumberValue(integers[i]);
            else InferenceResponseWriter.WriteFloat(w, values[i]);
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
            int perRow = _values[i].Length / Math.Max(1, Rows);
            if (_integers[i] is { } integers)
                foreach (long v in integers.AsSpan(row * perRow, perRow)) w.WriteNumberValue(v);
            else
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
