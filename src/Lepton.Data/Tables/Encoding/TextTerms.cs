using System.Globalization;

namespace Lepton.Data.Tables.Encoding;

/// <summary>
/// The words and terms of a free-text cell as the text encoder and the drift profile read them: words are runs of letters and
/// digits (any script), lower-cased invariantly; terms are the words and each pair of adjacent words ("not working").
/// </summary>
public static class TextTerms
{
    /// <summary>The most characters of one cell that are read (a longer cell is cut there): bounds the work a hostile request can ask.</summary>
    public const int MaxCharacters = 20_000;

    /// <summary>The words of <paramref name="text"/>, in order.</summary>
    public static List<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var span = text.AsSpan(0, Math.Min(text.Length, MaxCharacters));
        int start = -1;
        for (int i = 0; i <= span.Length; i++)
        {
            bool inWord = i < span.Length && (char.IsLetterOrDigit(span[i]) || char.IsSurrogate(span[i]) && IsLetterOrDigit(span, i));
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                words.Add(span[start..i].ToString().ToLowerInvariant());
                start = -1;
            }
        }
        return words;
    }

    /// <summary>Each distinct term of <paramref name="words"/> (words and adjacent pairs) with its count.</summary>
    public static Dictionary<string, int> Counts(List<string> words)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < words.Count; i++)
        {
            counts[words[i]] = counts.GetValueOrDefault(words[i]) + 1;
            if (i + 1 < words.Count)
            {
                string pair = words[i] + " " + words[i + 1];
                counts[pair] = counts.GetValueOrDefault(pair) + 1;
            }
        }
        return counts;
    }

    /// <summary>
    /// In how many of <paramref name="texts"/> (null ones skipped) each word, or with <paramref name="pairs"/> each term, occurs,
    /// and how many texts there were: a text counts once for a word however often it says it.
    /// </summary>
    public static (Dictionary<string, int> Rows, int Texts) DocumentFrequencies(IEnumerable<string?> texts, bool pairs)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var rows = new Dictionary<string, int>(StringComparer.Ordinal);
        int n = 0;
        foreach (var text in texts)
        {
            if (text is null) continue;
            n++;
            var words = Words(text);
            IEnumerable<string> terms = pairs ? Counts(words).Keys : words.Distinct(StringComparer.Ordinal);
            foreach (var term in terms) rows[term] = rows.GetValueOrDefault(term) + 1;
        }
        return (rows, n);
    }

    // A surrogate pair (an emoji, a rare ideograph) counts by the code point it forms.
    private static bool IsLetterOrDigit(ReadOnlySpan<char> s, int i)
    {
        int at = char.IsLowSurrogate(s[i]) && i > 0 ? i - 1 : i;
        if (at + 1 >= s.Length || !char.IsSurrogatePair(s[at], s[at + 1])) return false;
        var category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(s[at], s[at + 1]));
        return category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ModifierLetter or UnicodeCategory.TitlecaseLetter;
    }
}
