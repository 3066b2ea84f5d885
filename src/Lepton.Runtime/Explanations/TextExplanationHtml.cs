using System.Globalization;
using System.Net;
using System.Text;

namespace Lepton.Runtime.Explanations;

/// <summary>
/// A text explanation as HTML a person reads: the text's tokens in order, each on a background whose strength is its share of
/// the largest attribution (red: it argued for the class, blue: against), its score in the tooltip. One renderer for the
/// command line's page, the reports and the dashboard, so a highlighted text looks the same everywhere.
/// </summary>
public static class TextExplanationHtml
{
    /// <summary>The inline fragment (a <c>span</c> of token spans, every token HTML-encoded); needs no style sheet.</summary>
    public static string Fragment(TextExplanation explanation)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        double max = explanation.Tokens.Where(t => !t.Special).Select(t => Math.Abs(t.Attribution)).DefaultIfEmpty(0).Max();
        var sb = new StringBuilder("<span class=\"lepton-tokens\" style=\"line-height:1.9;white-space:pre-wrap\">");
        bool first = true;
        foreach (var token in explanation.Tokens)
        {
            if (token.Special) continue;
            string text = first ? token.Token.TrimStart() : token.Token;
            first = false;
            // Leading spaces stay outside the coloured box so words, not gaps, are highlighted.
            int lead = text.Length - text.TrimStart().Length;
            if (lead > 0) sb.Append(WebUtility.HtmlEncode(text[..lead]));
            double share = max > 0 ? Math.Abs(token.Attribution) / max : 0;
            string colour = token.Attribution >= 0 ? "220,38,38" : "37,99,235";
            sb.Append(CultureInfo.InvariantCulture,
                $"<span title=\"{token.Attribution:+0.0000;-0.0000;0}\" style=\"background:rgba({colour},{share * 0.75:0.###});border-radius:3px;padding:1px 1px\">");
            sb.Append(WebUtility.HtmlEncode(text[lead..])).Append("</span>");
        }
        return sb.Append("</span>").ToString();
    }

    /// <summary>A whole self-contained page: the class, its probability, the highlighted text and the token table.</summary>
    public static string Page(TextExplanation explanation, string model)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Explanation</title>");
        sb.Append("<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}.box{border:1px solid #ccc;padding:1rem;border-radius:6px;font-size:18px}</style></head><body>");
        sb.Append(CultureInfo.InvariantCulture, $"<h1>{WebUtility.HtmlEncode(model)}: {WebUtility.HtmlEncode(explanation.ClassName)} ({explanation.Probabilities[explanation.Class]:P1})</h1>");
        sb.Append("<p>Each token's background shows how much the probability of this class drops when the token is taken out (")
          .Append("<span style=\"background:rgba(220,38,38,.6)\">red</span>: it argued for the class, ")
          .Append("<span style=\"background:rgba(37,99,235,.6)\">blue</span>: against). Method: token occlusion.</p>");
        sb.Append("<div class=\"box\">").Append(Fragment(explanation)).Append("</div>");
        sb.Append("<h2>Tokens</h2><table><tr><th>#</th><th>token</th><th>id</th><th>attribution</th></tr>");
        for (int i = 0; i < explanation.Tokens.Count; i++)
        {
            var t = explanation.Tokens[i];
            sb.Append(CultureInfo.InvariantCulture,
                $"<tr><td class=\"n\">{i}</td><td><code>{WebUtility.HtmlEncode(t.Token)}</code></td><td class=\"n\">{t.Id}</td><td class=\"n\">{(t.Special ? "special" : t.Attribution.ToString("+0.0000;-0.0000;0", CultureInfo.InvariantCulture))}</td></tr>");
        }
        return sb.Append("</table></body></html>").ToString();
    }
}
