using System.Globalization;
using System.Text;

namespace Lepton.Data.Text.Tokenizers;

/// <summary>
/// BERT's basic tokenization, as Hugging Face's <c>BertNormalizer</c> + <c>BertPreTokenizer</c> do it: control characters
/// dropped and white space made a space (clean_text), each CJK ideograph made a word of its own (handle_chinese_chars),
/// optionally stripped of accents (NFD by ICU, non-spacing marks dropped: .NET's own NFD does nothing in the invariant
/// globalization mode Lepton builds with) and lower-cased, then split on white space and around every punctuation
/// character (ASCII symbols count as punctuation, as in BERT).
/// </summary>
public static class BertPreTokenizer
{
    public static string Normalize(string text, bool lowercase, bool stripAccents = false)
    {
        var sb = new StringBuilder(text.Length + 16);
        foreach (var rune in text.EnumerateRunes())
        {
            int cp = rune.Value;
            if (cp == 0 || cp == 0xFFFD || IsControl(rune)) continue;
            if (IsWhitespace(rune)) { sb.Append(' '); continue; }
            if (IsCjk(cp)) { sb.Append(' ').Append(rune.ToString()).Append(' '); continue; }
            sb.Append(rune.ToString());
        }
        var s = sb.ToString();
        if (stripAccents) s = StripAccents(s);
        return lowercase ? s.ToLowerInvariant() : s;
    }

    /// <summary>The words of normalized text: white-space separated, each punctuation character a word of its own.</summary>
    public static List<string> Split(string normalized)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (rune.Value == ' ' || Rune.IsWhiteSpace(rune))
            {
                Flush();
                continue;
            }
            if (IsPunctuation(rune))
            {
                Flush();
                words.Add(rune.ToString());
                continue;
            }
            current.Append(rune.ToString());
        }
        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0) words.Add(current.ToString());
            current.Clear();
        }
    }

    public static List<string> PreTokenize(string text, bool lowercase, bool stripAccents = false) => Split(Normalize(text, lowercase, stripAccents));

    // NFD by ICU (string.Normalize does nothing in invariant mode), then the non-spacing marks dropped: "Café" -> "Cafe".
    private static string StripAccents(string text)
    {
        var decomposed = UnicodeNormalizer.Normalize(text, NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) kept.Append(c);
        return kept.ToString();
    }

    private static bool IsWhitespace(Rune r) => r.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(r) == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(Rune r) =>
        r.Value is not ('\t' or '\n' or '\r') && Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format;

    internal static bool IsPunctuation(Rune r)
    {
        int cp = r.Value;
        if (cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126) return true;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>The CJK Unified Ideographs blocks BERT treats as one word per character (not Hiragana, Katakana or Hangul).</summary>
    internal static bool IsCjk(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
