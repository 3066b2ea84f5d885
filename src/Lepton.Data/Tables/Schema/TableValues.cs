using System.Globalization;

namespace Lepton.Data.Tables.Schema;

/// <summary>
/// How raw text becomes a typed value, the same everywhere (reading, inference, pinned schemas and encoders at predict
/// time): which words mean missing, what is a number, a boolean or a point in time.
/// </summary>
public static class TableValues
{
    /// <summary>Words read as a missing value (case-insensitive, after trimming); an empty or blank field is missing too.</summary>
    public static IReadOnlyList<string> MissingWords => Missing;

    private static readonly string[] Missing = ["NA", "N/A", "NaN", "-NaN", "null", "None", "nil", "#N/A", "?", "missing"];

    private static readonly string[] TrueWords = ["true", "yes"];
    private static readonly string[] FalseWords = ["false", "no"];

    /// <summary>
    /// Date-time layouts accepted (ISO 8601 and its common space-separated form; also <see cref="DottedDateFormats"/>); anything
    /// else is not a date-time, so "03/04/2020" (day or month first?) stays text unless converted by the user. A trailing Z or offset converts to UTC;
    /// without one the time is taken as UTC.
    /// </summary>
    public static IReadOnlyList<string> DateTimeFormats { get; } = BuildFormats();

    private static readonly string[] Formats = [.. DateTimeFormats];

    public static bool IsMissing(ReadOnlySpan<char> text)
    {
        // Most fields are numbers or words that no missing word starts like: decide on the first character.
        if (!text.IsEmpty && !char.IsWhiteSpace(text[0]) && !char.IsWhiteSpace(text[^1]) && (char.IsAsciiDigit(text[0]) || text.Length > 9)) return false;
        var t = text.Trim();
        if (t.IsEmpty) return true;
        if (t.Length > 7) return false;
        foreach (var w in Missing)
            if (t.Equals(w, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>A finite number in invariant notation ("1.5", "-2e3"); no thousands separators, no infinities.</summary>
    public static bool TryParseNumber(ReadOnlySpan<char> text, out double value) =>
        ShortDecimal.TryParse(text, out value) || TryParseNumberSlow(text, out value);

    /// <summary>The full parser behind <see cref="TryParseNumber"/>: the reference its fast path is tested against.</summary>
    internal static bool TryParseNumberSlow(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>
    /// A number as a CSV cell may hold it: plain (<see cref="TryParseNumber"/>), else with a decimal comma where
    /// <paramref name="decimalComma"/> (a ';'-separated file), else with its thousands grouped ("1,234.5", a quoted field).
    /// </summary>
    public static bool TryParseCsvNumber(ReadOnlySpan<char> text, bool decimalComma, out double value) =>
        TryParseNumber(text, out value) || (decimalComma ? TryParseDecimalComma(text, out value) : TryParseGroupedThousands(text, out value));

    /// <summary>
    /// A finite number written with a decimal comma, as many locales do ("3,5", "-1.234,5": '.' groups thousands); exactly one
    /// comma, so "1,2,3" is not a number.
    /// </summary>
    public static bool TryParseDecimalComma(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        int comma = text.IndexOf(',');
        if (comma < 0 || text.LastIndexOf(',') != comma || text.Length > 64) return false;
        return TryParseRewritten(text, dropped: '.', commaIsPoint: true, out value);
    }

    /// <summary>
    /// A finite number with ',' grouping thousands as English-locale reports write them ("1,234", "-12,345,678.9"): groups of
    /// exactly three digits after a lead of one to three, so "1,2" or "12,34" are not numbers.
    /// </summary>
    public static bool TryParseGroupedThousands(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        var t = text.Trim();
        if (t.Length > 64 || t.IndexOf(',') < 0) return false;
        int at = t.Length > 0 && t[0] is '-' or '+' ? 1 : 0;
        int point = t.IndexOf('.');
        var whole = point < 0 ? t[at..] : t[at..point];
        int lead = whole.IndexOf(',');
        if (lead is < 1 or > 3) return false;
        for (int i = 0; i < whole.Length; i++)
        {
            // Every fourth character from the first comma is a comma; the rest are digits.
            bool comma = i >= lead && (i - lead) % 4 == 0;
            if (comma ? whole[i] != ',' : !char.IsAsciiDigit(whole[i])) return false;
        }
        if ((whole.Length - lead) % 4 != 0) return false;
        return TryParseRewritten(t, dropped: ',', commaIsPoint: false, out value);
    }

    // The number in text (at most 64 characters) with every 'dropped' grouping mark left out and, when asked, ',' read as '.'.
    private static bool TryParseRewritten(ReadOnlySpan<char> text, char dropped, bool commaIsPoint, out double value)
    {
        Span<char> plain = stackalloc char[text.Length];
        int n = 0;
        foreach (char ch in text)
        {
            if (ch == dropped) continue;
            plain[n++] = commaIsPoint && ch == ',' ? '.' : ch;
        }
        return TryParseNumberSlow(plain[..n], out value);
    }

    /// <summary>true/false or yes/no, case-insensitive.</summary>
    public static bool TryParseBoolean(ReadOnlySpan<char> text, out bool value)
    {
        var t = text.Trim();
        foreach (var w in TrueWords) if (t.Equals(w, StringComparison.OrdinalIgnoreCase)) { value = true; return true; }
        foreach (var w in FalseWords) if (t.Equals(w, StringComparison.OrdinalIgnoreCase)) { value = false; return true; }
        value = false;
        return false;
    }

    /// <summary>
    /// Day first with dots (<c>01.03.2024</c>, <c>1.3.2024 14:30</c>): how German, Russian, Polish and many other spreadsheets write
    /// dates. No locale writes the month first with dots, so these are as unambiguous as ISO 8601 (<c>03/04/2020</c> is not, and stays text).
    /// </summary>
    public static IReadOnlyList<string> DottedDateFormats { get; } = ["d.M.yyyy", "d.M.yyyy H:mm", "d.M.yyyy H:mm:ss"];

    private static readonly string[] Dotted = [.. DottedDateFormats];

    /// <summary>An ISO 8601 date or date-time (see <see cref="DateTimeFormats"/>) or a day-first dotted one (<see cref="DottedDateFormats"/>), returned in UTC.</summary>
    public static bool TryParseDateTime(ReadOnlySpan<char> text, out DateTime value)
    {
        var t = text.Trim();
        // Cheap rejection first: every accepted layout starts with four digits and a separator, or a day of one or two digits and a dot.
        bool iso = t.Length >= 8 && char.IsAsciiDigit(t[0]) && char.IsAsciiDigit(t[3]) && t[4] is '-' or '/';
        bool dotted = !iso && t.Length >= 8 && char.IsAsciiDigit(t[0]) && (t[1] == '.' || (char.IsAsciiDigit(t[1]) && t[2] == '.'));
        if (!iso && !dotted)
        {
            value = default;
            return false;
        }
        if (DateTime.TryParseExact(t, iso ? Formats : Dotted, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value))
        {
            value = Columns.DateTimeColumn.Normalize(value);
            return true;
        }
        return false;
    }

    private static List<string> BuildFormats()
    {
        var formats = new List<string>();
        foreach (var date in new[] { "yyyy-MM-dd", "yyyy/MM/dd" })
        {
            formats.Add(date);
            foreach (var sep in new[] { "'T'", " " })
                foreach (var time in new[] { "HH:mm", "HH:mm:ss", "HH:mm:ss.FFFFFFF" })
                    foreach (var zone in new[] { "", "K", "'Z'" })
                        formats.Add(date + sep + time + zone);
        }
        return formats;
    }
}
