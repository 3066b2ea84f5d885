using System.Globalization;
using System.Net;
using System.Text;
using Lepton.Data.Text.Tokenizers;
using Lepton.Runtime.Explanations;
using Lepton.Runtime.Text;

namespace Lepton.Reports.Evaluation.Text;

/// <summary>
/// The text gallery: each text with its tokens highlighted by their attribution to the model's predicted class (token
/// occlusion, <see cref="TextExplainer"/>, run only for the gallery's texts), rendered by the one shared
/// <see cref="TextExplanationHtml"/>. Bounded: at most <see cref="MaxShownTokens"/> tokens or <see cref="MaxShownChars"/>
/// characters of a text are shown, every character HTML-encoded.
/// </summary>
public sealed class TextViews : IExampleViews
{
    /// <summary>The most tokens of one text the gallery highlights; the rest is cut with a note.</summary>
    public const int MaxShownTokens = 160;

    /// <summary>The most characters of one text shown without highlights.</summary>
    public const int MaxShownChars = 1200;

    private readonly TextExamples _examples;
    private readonly ScoredModel? _model;
    private readonly TextInputEncoder? _encoder;
    private readonly Dictionary<int, string> _cache;

    internal TextViews(TextExamples examples, ScoredModel? model, TextInputEncoder? encoder, Dictionary<int, string>? cache = null)
    {
        _examples = examples;
        _model = model;
        _encoder = encoder;
        _cache = cache ?? [];
    }

    public bool Wide => true;

    public void Prefetch(IReadOnlyCollection<int> indices, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(indices);
        foreach (int i in indices)
        {
            if (_cache.ContainsKey(i)) continue;
            ct.ThrowIfCancellationRequested();
            string text = _examples.Text(i);
            if (_model is null || _encoder is null)
            {
                _cache[i] = Plain(text);
                continue;
            }
            // The predictor runs synchronously; the task is complete when ExplainAsync returns.
            var explanation = TextExplainer.ExplainAsync(_model.Predictor, _encoder, text, cls: null, ct).GetAwaiter().GetResult();
            _cache[i] = Highlighted(explanation, text, _encoder.MaxLength);
        }
    }

    public string? Html(int index) => _cache.TryGetValue(index, out var html) ? html : Plain(_examples.Text(index));

    public IExampleViews Freeze() => new TextViews(_examples, null, null, new Dictionary<int, string>(_cache));

    /// <summary>The highlighted tokens of <paramref name="explanation"/>, cut after <see cref="MaxShownTokens"/> words' tokens.</summary>
    internal static string Highlighted(TextExplanation explanation, string text, int maxLength)
    {
        int words = explanation.Tokens.Count(t => !t.Special);
        var shown = explanation;
        if (words > MaxShownTokens)
        {
            var kept = new List<TokenAttribution>();
            int n = 0;
            foreach (var t in explanation.Tokens)
            {
                if (!t.Special && n++ >= MaxShownTokens) break;
                kept.Add(t);
            }
            shown = explanation with { Tokens = kept };
        }
        var html = new StringBuilder("<div class=\"text highlighted\" data-tokens=\"").Append(words.ToString(CultureInfo.InvariantCulture))
            .Append("\" data-method=\"").Append(explanation.Method).Append("\">").Append(TextExplanationHtml.Fragment(shown));
        if (words > MaxShownTokens)
            html.Append(CultureInfo.InvariantCulture, $" <span class=\"muted\">… (+{words - MaxShownTokens} tokens)</span>");
        // A WordPiece tokenizer turns characters it does not know into [UNK], which hides them; the stored text shows them.
        if (explanation.Tokens.Any(t => t.Special && t.Token == TokenizerModel.Unknown))
            html.Append("<details><summary class=\"muted\">some characters are unknown to the tokenizer; the text as stored</summary>").Append(Plain(text)).Append("</details>");
        if (explanation.Tokens.Count >= maxLength)
            html.Append(CultureInfo.InvariantCulture, $" <span class=\"muted\">[the model reads the first {maxLength} tokens of {text.Length:N0} characters]</span>");
        return html.Append("</div>").ToString();
    }

    /// <summary>The text alone, HTML-encoded and cut after <see cref="MaxShownChars"/> characters.</summary>
    internal static string Plain(string text)
    {
        int cut = text.Length > MaxShownChars && char.IsHighSurrogate(text[MaxShownChars - 1]) ? MaxShownChars - 1 : MaxShownChars; // never half a pair
        string shown = text.Length > MaxShownChars ? text[..cut] : text;
        var html = new StringBuilder("<div class=\"text\" style=\"white-space:pre-wrap\">").Append(WebUtility.HtmlEncode(shown));
        if (text.Length > MaxShownChars) html.Append(CultureInfo.InvariantCulture, $"<span class=\"muted\"> … (+{text.Length - cut:N0} characters)</span>");
        return html.Append("</div>").ToString();
    }
}
