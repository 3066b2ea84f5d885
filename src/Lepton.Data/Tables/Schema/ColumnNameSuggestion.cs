using System.Globalization;
using System.Text;

namespace Lepton.Data.Tables.Schema;

/// <summary>
/// The column a mistyped name most likely meant, for error messages: the same name up to case, accents, umlauts written out
/// (<c>kuendigt</c> for <c>kündigt</c>) and punctuation, or else the nearest name within a few edits.
/// </summary>
public static class ColumnNameSuggestion
{
    /// <summary>" Did you mean 'x'?" or "" when no column is close enough.</summary>
    public static string For(string name, IEnumerable<string> columns)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(columns);
        string wanted = Fold(name);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var column in columns)
        {
            int d = EditDistance.Levenshtein(wanted, Fold(column));
            if (d < bestDistance) (best, bestDistance) = (column, d);
        }
        int allowed = Math.Max(1, wanted.Length / 4);
        return best is not null && best != name && bestDistance <= allowed ? $" Did you mean '{best}'?" : "";
    }

    // Lower case, German umlauts and ß written out, other accents dropped, only letters and digits kept.
    internal static string Fold(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char raw in name.ToLowerInvariant())
        {
            switch (raw)
            {
                case 'ä': sb.Append("ae"); continue;
                case 'ö': sb.Append("oe"); continue;
                case 'ü': sb.Append("ue"); continue;
                case 'ß': sb.Append("ss"); continue;
            }
            foreach (char c in raw.ToString().Normalize(NormalizationForm.FormD))
                if (char.IsLetterOrDigit(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append(c);
        }
        return sb.ToString();
    }
}
