using System.Net;
using System.Text.RegularExpressions;

namespace Lepton.Data.Text.Import.Email;

/// <summary>
/// The visible text of an HTML body: scripts, styles, heads and comments dropped, block ends turned into line breaks,
/// tags removed, entities decoded, runs of blanks collapsed. The patterns run on .NET's non-backtracking engine (built at
/// run time: the source generator does not emit it), so a hostile body costs time linear in its length.
/// </summary>
public static class HtmlText
{
    private const RegexOptions Linear = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    private static readonly Regex Hidden = new(@"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<head\b.*?</head\s*>", Linear | RegexOptions.IgnoreCase | RegexOptions.Singleline);
    private static readonly Regex Breaks = new(@"<br\b[^>]*>|</(p|div|tr|li|h[1-6]|table|ul|ol|blockquote|pre)\s*>", Linear | RegexOptions.IgnoreCase);
    private static readonly Regex Tags = new(@"<[^>]*>", Linear);
    private static readonly Regex Blanks = new(@"[ \t\r\f\u00A0]+", Linear);
    private static readonly Regex SpaceAroundBreaks = new(@" ?\n ?", Linear);
    private static readonly Regex ManyBreaks = new(@"\n{3,}", Linear);

    public static string ToPlain(string html)
    {
        var text = Hidden.Replace(html, " ");
        text = Breaks.Replace(text, "\n");
        text = Tags.Replace(text, "");
        text = WebUtility.HtmlDecode(text);
        text = Blanks.Replace(text, " ");
        text = SpaceAroundBreaks.Replace(text, "\n");
        text = ManyBreaks.Replace(text, "\n\n");
        return text.Trim();
    }
}
