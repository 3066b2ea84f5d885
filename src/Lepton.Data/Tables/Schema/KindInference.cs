using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;

namespace Lepton.Data.Tables.Schema;

/// <summary>
/// Infers a column's kind from its values (missing values ignored, see <see cref="TableValues.IsMissing"/>):
/// <list type="number">
/// <item>every value a number → numeric; but integers in every row, nearly unique (see <see cref="IdentifierShare"/>; at least
/// <see cref="MinIdentifierRows"/> rows) that form a consecutive run or sit in a column named like an id (id, *_id, *Id, uuid,
/// key, index) → identifier;</item>
/// <item>every value true/false or yes/no → boolean;</item>
/// <item>every value an ISO 8601 date or date-time → datetime;</item>
/// <item>otherwise text values: wordy ones (on average at least 3 words or 40 characters) that are mostly distinct →
/// text; values nearly unique (at least <see cref="MinIdentifierRows"/> rows) → identifier; the rest → categorical.</item>
/// </list>
/// A column with no values at all is categorical (and an inspection reports it as constant).
/// </summary>
public static class KindInference
{
    /// <summary>Fewer rows than this never make an identifier: in a tiny table every value may be unique by chance.</summary>
    public const int MinIdentifierRows = 20;

    /// <summary>
    /// The share of distinct values that makes an identifier: not all of them, since a table with a few duplicated records
    /// (the most common flaw an inspection reports) repeats its ids too.
    /// </summary>
    public const double IdentifierShare = 0.95;

    // Values that may repeat in an identifier column of this many values.
    private static int AllowedRepeats(int values) => (int)(values * (1 - IdentifierShare));

    public static ColumnKind InferText(IReadOnlyList<string?> values, string name) => InferText(TextCells.From(values), name);

    internal static ColumnKind InferText(TextCells cells, string name)
    {
        int present = 0;
        bool numbers = true, booleans = true, times = true;
        for (int i = 0; i < cells.Count; i++)
        {
            if (cells.IsMissing(i)) continue;
            var v = cells[i];
            present++;
            if (numbers && !TableValues.TryParseNumber(v, out _)) numbers = false;
            if (booleans && !TableValues.TryParseBoolean(v, out _)) booleans = false;
            if (times && !TableValues.TryParseDateTime(v, out _)) times = false;
            if (!numbers && !booleans && !times) break;
        }
        if (present == 0) return ColumnKind.Categorical;
        if (numbers && TryParseAllNumbers(cells, out var parsed)) return InferNumbers(parsed, name);
        if (booleans) return ColumnKind.Boolean;
        if (times) return ColumnKind.DateTime;
        return InferStrings(cells);
    }

    /// <summary>Parses every present value as a number (NaN for missing); false at the first value that is not one, or when none is present.</summary>
    public static bool TryParseAllNumbers(IReadOnlyList<string?> values, out double[] parsed) => TryParseAllNumbers(TextCells.From(values), out parsed);

    internal static bool TryParseAllNumbers(TextCells cells, out double[] parsed)
    {
        parsed = new double[cells.Count];
        int present = 0;
        for (int i = 0; i < parsed.Length; i++)
        {
            if (cells.IsMissing(i)) { parsed[i] = double.NaN; continue; }
            if (!TableValues.TryParseNumber(cells[i], out parsed[i])) { parsed = []; return false; }
            present++;
        }
        if (present > 0) return true;
        parsed = [];
        return false;
    }

    /// <summary>Numeric, or identifier for integer ids (see the class remarks).</summary>
    public static ColumnKind InferNumbers(IReadOnlyList<double> values, string name)
    {
        // An identifier has a value in every row: one missing value, or too few rows, decides at once.
        if (values.Count < MinIdentifierRows) return ColumnKind.Numeric;
        foreach (var v in values)
            if (double.IsNaN(v) || v != Math.Floor(v) || Math.Abs(v) > (1L << 53)) return ColumnKind.Numeric;
        // Repeats decide early: measurements repeat within a few rows, where sorting would cost the whole column.
        var seen = new HashSet<double>();
        int repeats = 0, allowed = AllowedRepeats(values.Count);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!seen.Add(v) && ++repeats > allowed) return ColumnKind.Numeric;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        bool consecutive = max - min + 1 == seen.Count;
        return consecutive || NamedLikeId(name) ? ColumnKind.Identifier : ColumnKind.Numeric;
    }

    /// <summary>id, *_id, *-id, *Id, *ID, uuid, guid, key, index (case-insensitive where it can be).</summary>
    public static bool NamedLikeId(string name)
    {
        var lower = name.ToLowerInvariant();
        if (lower is "id" or "uuid" or "guid" or "key" or "index" or "idx" or "row" or "row_id" or "rowid") return true;
        if (lower.EndsWith("_id", StringComparison.Ordinal) || lower.EndsWith("-id", StringComparison.Ordinal) || lower.EndsWith(" id", StringComparison.Ordinal)) return true;
        return name.Length > 2 && (name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("ID", StringComparison.Ordinal)) && char.IsLower(name[^3]);
    }

    /// <summary>A column of sentences with more distinct values than this is free text even when they repeat (the encoders' default category cap).</summary>
    public const int MaxWordyCategories = 100;

    private static ColumnKind InferStrings(TextCells cells)
    {
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var lookup = distinct.GetAlternateLookup<ReadOnlySpan<char>>();
        long chars = 0, words = 0;
        int present = 0;
        for (int i = 0; i < cells.Count; i++)
        {
            if (cells.IsMissing(i)) continue;
            var v = cells[i];
            present++;
            if (!lookup.Contains(v)) lookup.Add(v);
            chars += v.Length;
            words += Words(v);
        }
        bool wordy = words >= 3L * present || chars >= 40L * present;
        // Sentences are text when most are different, or when there are more of them than the categories a column keeps
        // (the rest would all be one unknown bucket; read as text, their words still count).
        if (wordy && (distinct.Count * 2 > present || distinct.Count > MaxWordyCategories)) return ColumnKind.Text;
        if (present - distinct.Count <= AllowedRepeats(present) && present >= MinIdentifierRows) return ColumnKind.Identifier;
        return ColumnKind.Categorical;
    }

    private static int Words(ReadOnlySpan<char> s)
    {
        int n = 0;
        bool inWord = false;
        foreach (char c in s)
        {
            bool space = char.IsWhiteSpace(c);
            if (!space && !inWord) n++;
            inWord = !space;
        }
        return n;
    }
}
