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
    /// Clinger's fast path: when the decimal digits form an integer m &lt;= 2^53 and the decimal exponent e has |e| &lt;= 22,
    /// m and 10^|e| are exact doubles and one IEEE multiply or divide rounds m·10^e correctly. Anything else returns false.
    /// <paramref name="text"/> must be a valid JSON number (the reader has checked it).
    /// </summary>
    internal static bool TryParseShort(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = text.Length > 0 && text[0] == (byte)'-';
        if (negative) i++;
        ulong mantissa = 0;
        int digits = 0, exponent = 0;
        for (; i < text.Length && IsDigit(text[i]); i++) Accumulate(text[i], ref mantissa, ref digits);
        if (i < text.Length && text[i] == (byte)'.')
        {
            for (i++; i < text.Length && IsDigit(text[i]); i++)
            {
                Accumulate(text[i], ref mantissa, ref digits);
                exponent--;
            }
        }
        if (i < text.Length && (text[i] | 0x20) == (byte)'e')
        {
            i++;
            bool negativeExponent = text[i] == (byte)'-';
            if (text[i] is (byte)'-' or (byte)'+') i++;
            int e = 0;
            for (; i < text.Length && IsDigit(text[i]); i++)
            {
                if (e > 10_000) return false; // far outside the fast path; the full parser decides (0 or infinity)
                e = e * 10 + (text[i] - '0');
            }
            exponent += negativeExponent ? -e : e;
        }
        if (i != text.Length || digits > 19) return false;
        if (mantissa == 0)
        {
            value = negative ? -0.0 : 0.0;
            return true;
        }
        if (mantissa > MaxExactMantissa || exponent is < -22 or > 22) return false;
        double m = mantissa;
        value = exponent < 0 ? m / PowersOf10[-exponent] : m * PowersOf10[exponent];
        if (negative) value = -value;
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
