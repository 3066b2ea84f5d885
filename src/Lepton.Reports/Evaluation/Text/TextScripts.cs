using System.Text;

namespace Lepton.Reports.Evaluation.Text;

/// <summary>
/// The writing system most of a text's letters belong to (Latin, Cyrillic, Arabic, Han, ...), by Unicode block, so a report can
/// slice a multilingual data set by script. Hand-written because .NET exposes Unicode categories but not scripts, and these
/// blocks are all a slice needs.
/// </summary>
public static class TextScripts
{
    /// <summary>The name given to a text without letters (digits, punctuation, emoji or nothing).</summary>
    public const string None = "no letters";

    private static readonly (int From, int To, string Script)[] Blocks =
    [
        (0x0041, 0x024F, "Latin"), (0x1E00, 0x1EFF, "Latin"), (0x0370, 0x03FF, "Greek"), (0x1F00, 0x1FFF, "Greek"),
        (0x0400, 0x052F, "Cyrillic"), (0x0530, 0x058F, "Armenian"), (0x0590, 0x05FF, "Hebrew"), (0x0600, 0x06FF, "Arabic"),
        (0x0750, 0x077F, "Arabic"), (0x08A0, 0x08FF, "Arabic"), (0xFB50, 0xFDFF, "Arabic"), (0xFE70, 0xFEFF, "Arabic"),
        (0x0900, 0x097F, "Devanagari"), (0x0980, 0x09FF, "Bengali"), (0x0E00, 0x0E7F, "Thai"), (0x10A0, 0x10FF, "Georgian"),
        (0x1100, 0x11FF, "Hangul"), (0x3130, 0x318F, "Hangul"), (0xAC00, 0xD7AF, "Hangul"), (0x3040, 0x30FF, "Kana"),
        (0x3400, 0x4DBF, "Han"), (0x4E00, 0x9FFF, "Han"), (0x20000, 0x2A6DF, "Han"),
    ];

    /// <summary>The script of most of <paramref name="text"/>'s letters (ties: the one met first), "other" for letters of no listed block, or <see cref="None"/>.</summary>
    public static string Dominant(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Dictionary<string, int>? counts = null;
        string? first = null;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune)) continue;
            string script = Of(rune.Value);
            counts ??= new Dictionary<string, int>(StringComparer.Ordinal);
            counts[script] = counts.GetValueOrDefault(script) + 1;
            first ??= script;
        }
        if (counts is null) return None;
        string best = first!;
        foreach (var (script, count) in counts) if (count > counts[best]) best = script;
        return best;
    }

    private static string Of(int codePoint)
    {
        foreach (var (from, to, script) in Blocks) if (codePoint >= from && codePoint <= to) return script;
        return "other";
    }
}
