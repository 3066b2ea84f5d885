using System.Buffers;

namespace Lepton.Serving.Protocol;

/// <summary>
/// The values of a JSON <c>data</c> field, flattened row-major, with the nesting it had: the depth at which
/// the numbers sit and the length of the arrays at each depth (so nested data can be checked against the shape).
/// </summary>
public sealed class TensorData
{
    private double[] _values = [];
    private int _count;

    /// <summary>How many values were read.</summary>
    internal int Count => _count;

    internal ReadOnlySpan<double> Values => _values.AsSpan(0, _count);

    /// <summary>Array lengths per depth (index 0 = the outer array); nested data must be rectangular.</summary>
    internal List<int> Lengths { get; } = [];

    /// <summary>Depth of the numbers: 1 for flat data; 0 while no number has been seen.</summary>
    internal int LeafDepth { get; set; }

    /// <summary>The string elements in order (for BYTES inputs); null while none has been seen.</summary>
    internal List<string>? Strings { get; private set; }

    /// <summary>Index of the first element that is a string other than "NaN", "Infinity" or "-Infinity"; -1 when none.</summary>
    internal int FirstText { get; private set; } = -1;

    /// <summary>Records a string element: kept as text, and as its number when it spells a non-finite one (NaN otherwise).</summary>
    internal void AddString(string text)
    {
        (Strings ??= []).Add(text);
        double? number = text switch { "NaN" => double.NaN, "Infinity" => double.PositiveInfinity, "-Infinity" => double.NegativeInfinity, _ => null };
        if (number is null && FirstText < 0) FirstText = _count;
        Add(number ?? double.NaN);
    }

    internal void Add(double value)
    {
        if (_count == _values.Length) Grow();
        _values[_count++] = value;
    }

    /// <summary>Gives the value buffer back to the pool; the data is empty afterwards.</summary>
    internal void Release()
    {
        if (_values.Length > 0) ArrayPool<double>.Shared.Return(_values);
        _values = [];
        _count = 0;
        Lengths.Clear();
        LeafDepth = 0;
        Strings = null;
        FirstText = -1;
    }

    // Pooled buffers: a 784-value image would otherwise grow a list through nine arrays per request.
    private void Grow()
    {
        var bigger = ArrayPool<double>.Shared.Rent(Math.Max(1024, _values.Length * 2));
        Values.CopyTo(bigger);
        if (_values.Length > 0) ArrayPool<double>.Shared.Return(_values);
        _values = bigger;
    }

    /// <summary>Validates the values against shape and datatype and writes them as float32.</summary>
    internal void CopyTo(float[] target, int[] shape, TensorDatatype type, DataLocation where, bool allowNonFinite)
    {
        if (_count != target.Length)
            throw ProtocolException.BadRequest(
                $"{where}: shape {ShapeText(shape)} holds {target.Length:N0} values, but data has {_count:N0}; send exactly as many values as the shape holds.");
        if (LeafDepth > 1)
        {
            bool fits = LeafDepth == shape.Length;
            for (int d = 0; fits && d < shape.Length; d++) fits = Lengths[d] == shape[d];
            if (!fits)
                throw ProtocolException.BadRequest(
                    $"{where}: nested data is [{string.Join(",", Lengths)}] deep-wise, but the shape is {ShapeText(shape)}; nest it like the shape or send it flat.");
        }
        bool integer = TensorDatatypes.IsInteger(type);
        var (min, max) = TensorDatatypes.IntegerRange(type);
        var values = Values;
        for (int i = 0; i < target.Length; i++)
        {
            double v = values[i];
            if (double.IsNaN(v) || double.IsInfinity(v))
            {
                if (integer) throw ProtocolException.BadRequest($"{where} element {i} is {Describe(v)}, which is not a valid {TensorDatatypes.Name(type)} value.");
                if (!allowNonFinite) throw ProtocolException.BadRequest($"{where} element {i} is {Describe(v)}; NaN and infinite values are rejected (fix the client's data).");
                target[i] = (float)v;
                continue;
            }
            if (integer && v != Math.Floor(v))
                throw ProtocolException.BadRequest($"{where} element {i} is {v}, but {TensorDatatypes.Name(type)} data holds whole numbers.");
            if (integer && (v < min || v > max))
                throw ProtocolException.BadRequest($"{where} element {i} is {v}, outside {TensorDatatypes.Name(type)}'s range {min:0} to {max:0}.");
            float f = (float)v;
            if (float.IsInfinity(f) && !allowNonFinite)
                throw ProtocolException.BadRequest($"{where} element {i} is {v}, outside the float32 range the model computes in.");
            target[i] = f;
        }
    }

    private static string ShapeText(int[] shape) => $"[{string.Join(",", shape)}]";

    private static string Describe(double v) => double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
}
