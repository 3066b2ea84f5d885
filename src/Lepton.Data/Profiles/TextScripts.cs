using System.Globalization;
using System.Text;

namespace Lepton.Data.Profiles;

/// <summary>
/// The writing systems a text's letters and digits belong to, counted per character: a shift in this mix (a Chinese-speaking
/// user base arriving at an English model) is drift that token statistics alone may hide.
/// </summary>
public static class TextScripts
{
    /// <summary>The script classes, in the order of <see cref="Count"/>'s counts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["latin", "cjk", "cyrillic", "greek", "arabic", "hebrew", "indic", "other_letter", "digit"];

    /// <summary>Adds the number of characters of each script class in <paramref name="text"/> to <paramref name="counts"/> (length <see cref="Names"/>.Count); spaces, punctuation and symbols are not counted.</summary>
    public static void Count(string text, Span<int> counts)
    {
        if (counts.Length != Names.Count) throw new ArgumentException($"counts needs {Names.Count} entries, one per script class.", nameof(counts));
        foreach (var rune in text.EnumerateRunes())
        {
            int c = Classify(rune);
            if (c >= 0) counts[c]++;
        }
    }

    // -1 for characters that are not letters or digits.
    private static int Classify(Rune rune)
    {
        int v = rune.Value;
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.DecimalDigitNumber) return 8;
        if (category is not (UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter)) return -1;
        return v switch
        {
            < 0x0250 or (>= 0x1E00 and < 0x1F00) or (>= 0xFF21 and <= 0xFF5A) => 0,            // Basic Latin to Latin Extended-B, Latin Extended Additional, full-width Latin
            (>= 0x2E80 and < 0xA000) or (>= 0xAC00 and < 0xD7B0) or (>= 0xF900 and < 0xFB00) or (>= 0xFF66 and < 0xFFA0) or (>= 0x20000 and < 0x32000) => 1, // Han, kana, Hangul
            >= 0x0400 and < 0x0530 => 2,
            >= 0x0370 and < 0x0400 => 3,
            (>= 0x0600 and < 0x0780) or (>= 0x08A0 and < 0x0900) => 4,
            >= 0x0590 and < 0x0600 => 5,
            >= 0x0900 and < 0x0E00 => 6,                                                       // Devanagari to Sinhala
            _ => 7,
        };
    }
}
