using System.Text.Json;

namespace Lepton.Serving.Protocol;

/// <summary>
/// Reads a JSON <c>data</c> array, flat or nested, into <see cref="TensorData"/> without recursion (the JSON
/// reader's MaxDepth bounds the nesting). Numbers, booleans and strings are accepted as values: strings are kept as text
/// for BYTES inputs and read as numbers when they spell "NaN", "Infinity" or "-Infinity"; datatype and NaN policy apply later.
/// </summary>
internal static class TensorDataReader
{
    /// <param name="json">The bytes <paramref name="reader"/> reads; when a flat array is read by the fast path, the reader
    /// is replaced by one over the rest of them and <paramref name="json"/> becomes that rest.</param>
    public static TensorData Read(ref Utf8JsonReader reader, ref ReadOnlySpan<byte> json, DataLocation where, bool fastPath = true)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw ProtocolException.BadRequest($"{where} must be a JSON array of numbers (flat, or nested like the shape).");
        var data = new TensorData();
        if (fastPath && FlatNumberArray.TryRead(ref reader, ref json, data))
        {
            reader.Read(); // the array's ']'
            return data;
        }
        var open = new List<int> { 0 }; // element counts of the arrays currently open
        while (open.Count > 0)
        {
            if (!reader.Read()) throw new JsonException("The JSON ends inside a data array.");
            int depth = open.Count;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    open[^1]++;
                    open.Add(0);
                    break;
                case JsonTokenType.EndArray:
                    RecordLength(data, depth, open[^1], where);
                    open.RemoveAt(open.Count - 1);
                    break;
                case JsonTokenType.Number:
                    Leaf(data, depth, where);
                    open[^1]++;
                    if (!JsonNumber.TryGetDouble(ref reader, out double v))
                        throw ProtocolException.BadRequest($"{where} element {data.Count} is not a number a double can hold.");
                    data.Add(v);
                    break;
                case JsonTokenType.True or JsonTokenType.False:
                    Leaf(data, depth, where);
                    open[^1]++;
                    data.Add(reader.TokenType == JsonTokenType.True ? 1 : 0);
                    break;
                case JsonTokenType.String:
                    Leaf(data, depth, where);
                    open[^1]++;
                    data.AddString(reader.GetString()!);
                    break;
                default:
                    throw ProtocolException.BadRequest($"{where} may hold only numbers and arrays, found {reader.TokenType}.");
            }
        }
        return data;
    }

    private static void Leaf(TensorData data, int depth, DataLocation where)
    {
        if (data.LeafDepth == 0) data.LeafDepth = depth;
        else if (data.LeafDepth != depth)
            throw ProtocolException.BadRequest($"{where} mixes numbers at nesting depths {data.LeafDepth} and {depth}; nested data must be rectangular.");
    }

    private static void RecordLength(TensorData data, int depth, int length, DataLocation where)
    {
        while (data.Lengths.Count < depth) data.Lengths.Add(-1);
        if (data.Lengths[depth - 1] == -1) data.Lengths[depth - 1] = length;
        else if (data.Lengths[depth - 1] != length)
            throw ProtocolException.BadRequest(
                $"{where} is ragged: arrays at depth {depth} have {data.Lengths[depth - 1]} and {length} elements; nested data must be rectangular.");
    }
}
