namespace Lepton.Data.Tables.Schema;

/// <summary>
/// The fast path of <see cref="TableValues.TryParseNumber"/> for the fields most tables hold: an optional sign and at most 15
/// digits with an optional decimal point ("255", "-0.125", "17.99"). Such a mantissa is exact in a double and so is 10^k for
/// k ≤ 15, so one IEEE division rounds correctly and gives the same bits as <see cref="double.Parse(string)"/> (Clinger's fast
/// path). Anything else (exponents, whitespace, more digits) is left to the full parser.
/// </summary>
internal static class ShortDecimal
{
    private const int MaxDigits = 15;

    private static readonly double[] PowersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>True with the value when <paramref name="text"/> is a short decimal; false means "not decided here", not "not a number".</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        int i = 0, n = text.Length;
        if (n == 0 || n > MaxDigits + 2) return false;
        bool negative = false;
        if (text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            i = 1;
        }
        long mantissa = 0;
        int digits = 0, point = -1;
        for (; i < n; i++)
        {
            int d = text[i] - '0';
            if ((uint)d <= 9)
            {
                mantissa = mantissa * 10 + d;
                digits++;
            }
            else if (text[i] == '.' && point < 0)
            {
                point = digits;
            }
            else
            {
                return false;
            }
        }
        // A lone sign or point, "5." and ".5" go to the full parser (which decides what they mean).
        if (digits == 0 || digits > MaxDigits || point == 0 || point == digits) return false;
        double v = mantissa;
        if (point > 0) v /= PowersOfTen[digits - point];
        value = negative ? -v : v;
        return true;
    }
}
