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
            if (!TryScanNumber(json, ref i) || !TryValue(json[start..i], out double value))
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

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    private static bool TryScanNumber(ReadOnlySpan<byte> json, ref int i)
    {
        if (i < json.Length && json[i] == (byte)'-') i++;
        if (i >= json.Length) return false;
        if (json[i] == (byte)'0') i++;
        else if (!SkipDigits(json, ref i)) return false;
        if (i < json.Length && json[i] == (byte)'.')
        {
            i++;
            if (!SkipDigits(json, ref i)) return false;
        }
        if (i < json.Length && (json[i] | 0x20) == (byte)'e')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-') i++;
            if (!SkipDigits(json, ref i)) return false;
        }
        return true;
    }

    /// <summary>At least one digit; false when there is none.</summary>
    private static bool SkipDigits(ReadOnlySpan<byte> json, ref int i)
    {
        int start = i;
        while (i < json.Length && (uint)(json[i] - '0') <= 9) i++;
        return i > start;
    }

    // Rare long or huge numbers go through the reader itself, so every value is the one its TryGetDouble gives.
    private static bool TryValue(ReadOnlySpan<byte> number, out double value)
    {
        if (JsonNumber.TryParseShort(number, out value)) return true;
        var alone = new Utf8JsonReader(number);
        return alone.Read() && alone.TryGetDouble(out value);
    }
}
