using System.Text.Json;

namespace Lepton.Serving.Protocol;

/// <summary>
/// The fast path for the common <c>data</c> array: flat numbers only, as in <c>[0.0,255.0,...]</c>. It scans the bytes
/// itself instead of asking the JSON reader for one token per number, accepting only what the reader accepts (JSON
/// whitespace, strict number grammar, no trailing comma), and gives up on anything else (nesting, strings, booleans,
/// an empty array, a number a double cannot hold) so the reader's path handles it with its usual errors.
/// </summary>
internal static class FlatNumberArray
{
    /// <summary>
    /// With <paramref name="reader"/> on the <c>[</c> of an array in <paramref name="json"/> (the exact bytes the reader
    /// reads), adds the array's numbers to <paramref name="data"/> and moves the reader onto the array's <c>]</c>; the
    /// reader then reads <paramref name="json"/> from there on. False (nothing changed) when the array is not flat numbers.
    /// </summary>
    public static bool TryRead(ref Utf8JsonReader reader, ref ReadOnlySpan<byte> json, TensorData data)
    {
        int i = (int)reader.BytesConsumed;
        int count = 0;
        while (true)
        {
            i = SkipWhitespace(json, i);
            int start = i;
            if (!JsonNumber.TryScan(json, ref i, out double value, out bool exact) || (!exact && !TryFullParse(json[start..i], out value)))
            {
                data.Release(); // also for ']' here: an empty array or a trailing comma is the reader's to judge
                return false;
            }
            data.Add(value);
            count++;
            i = SkipWhitespace(json, i);
            if (i < json.Length && json[i] == (byte)',')
            {
                i++;
                continue;
            }
            if (i < json.Length && json[i] == (byte)']') break;
            data.Release();
            return false;
        }
        data.LeafDepth = 1;
        data.Lengths.Add(count);
        // A reader over the rest, in the state it had after '[': its next token is this array's ']'.
        var state = reader.CurrentState;
        json = json[i..];
        reader = new Utf8JsonReader(json, isFinalBlock: true, state);
        return true;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') i++;
        return i;
    }

    // Rare long or huge numbers go through the reader itself, so every value is the one its TryGetDouble gives.
    private static bool TryFullParse(ReadOnlySpan<byte> number, out double value)
    {
        value = 0;
        var alone = new Utf8JsonReader(number);
        return alone.Read() && alone.TryGetDouble(out value);
    }
}
