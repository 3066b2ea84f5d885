using System.Text.Json;

namespace Lepton.Serving.Protocol;

/// <summary>
/// Reads JSON number tokens as double, giving exactly the value <see cref="Utf8JsonReader.TryGetDouble"/> gives (the
/// correctly rounded double), but faster for the short decimals tensors are made of ("0.0", "255", "-0.4242").
/// </summary>
internal static class JsonNumber
{
    private const ulong MaxExactMantissa = 1UL << 53;

    // 10^0..10^22: every one is exact in a double.
    private static readonly double[] PowersOf10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>The number token the reader is on as double; false when a double cannot hold it.</summary>
    public static bool TryGetDouble(ref Utf8JsonReader reader, out double value) =>
        TryParseShort(reader.ValueSpan, out value) || reader.TryGetDouble(out value);

    /// <summary>
    /// The fast path alone on a whole number token <paramref name="text"/> (the reader has checked it): false when the
    /// value needs the full parser.
    /// </summary>
    internal static bool TryParseShort(ReadOnlySpan<byte> text, out double value)
    {
        int i = 0;
        return TryScan(text, ref i, out value, out bool exact) && exact && i == text.Length;
    }

    /// <summary>
    /// Moves <paramref name="i"/> past the JSON number at json[i] (strict grammar: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>),
    /// computing its value in the same pass; false when no valid number starts there. <paramref name="exact"/> is false
    /// when the fast path does not apply and the caller must parse the scanned bytes with the full parser.
    /// Clinger's fast path: when the decimal digits form an integer m &lt;= 2^53 and the decimal exponent e has |e| &lt;= 22,
    /// m and 10^|e| are exact doubles and one IEEE multiply or divide rounds m·10^e correctly.
    /// </summary>
    internal static bool TryScan(ReadOnlySpan<byte> json, ref int i, out double value, out bool exact)
    {
        value = 0;
        exact = false;
        int p = i;
        bool negative = p < json.Length && json[p] == (byte)'-';
        if (negative) p++;
        if (p >= json.Length) return false;
        ulong mantissa = 0;
        int digits = 0, exponent = 0;
        if (json[p] == (byte)'0') p++;
        else
        {
            int first = p;
            for (; p < json.Length && IsDigit(json[p]); p++) Accumulate(json[p], ref mantissa, ref digits);
            if (p == first) return false;
        }
        if (p < json.Length && json[p] == (byte)'.')
        {
            int first = ++p;
            for (; p < json.Length && IsDigit(json[p]); p++) Accumulate(json[p], ref mantissa, ref digits);
            if (p == first) return false;
            exponent -= p - first;
        }
        bool hugeExponent = false;
        if (p < json.Length && (json[p] | 0x20) == (byte)'e')
        {
            p++;
            bool negativeExponent = p < json.Length && json[p] == (byte)'-';
            if (p < json.Length && json[p] is (byte)'-' or (byte)'+') p++;
            int first = p, e = 0;
            for (; p < json.Length && IsDigit(json[p]); p++)
            {
                if (e > 10_000) hugeExponent = true; // far outside the fast path; the full parser decides (0 or infinity)
                else e = e * 10 + (json[p] - '0');
            }
            if (p == first) return false;
            exponent += negativeExponent ? -e : e;
        }
        i = p;
        if (hugeExponent || digits > 19) return true;
        if (mantissa == 0)
        {
            value = negative ? -0.0 : 0.0;
            exact = true;
            return true;
        }
        if (mantissa > MaxExactMantissa || exponent is < -22 or > 22) return true;
        double m = mantissa;
        value = exponent < 0 ? m / PowersOf10[-exponent] : m * PowersOf10[exponent];
        if (negative) value = -value;
        exact = true;
        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    // Leading zeros add nothing; past 19 significant digits the ulong could overflow and the caller falls back.
    private static void Accumulate(byte digit, ref ulong mantissa, ref int digits)
    {
        if (mantissa == 0 && digit == '0') return;
        if (++digits > 19) return;
        mantissa = mantissa * 10 + (ulong)(digit - '0');
    }
}
