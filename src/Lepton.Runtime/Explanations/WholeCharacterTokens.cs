using Lepton.Runtime.Text;

namespace Lepton.Runtime.Explanations;

/// <summary>Token attributions people can read: byte-level BPE pieces of one character joined back into whole characters.</summary>
public static class WholeCharacterTokens
{
    /// <summary>The most byte-level tokens one character's UTF-8 bytes can span (4 bytes, one per token at worst).</summary>
    private const int MaxCharacterTokens = 4;

    /// <summary>
    /// The explanation with each run of tokens that split a character's UTF-8 bytes (each decodes to U+FFFD alone) merged into
    /// one token of whole characters, its attribution the sum of the run's, so a Cyrillic or Han text reads as written.
    /// </summary>
    public static TextExplanation WholeCharacters(TextExplanation explanation, TextInputEncoder encoder)
    {
        var tokens = explanation.Tokens;
        if (!tokens.Any(t => !t.Special && t.Token.Contains('\uFFFD', StringComparison.Ordinal))) return explanation;
        var merged = new List<TokenAttribution>(tokens.Count);
        for (int i = 0; i < tokens.Count;)
        {
            var t = tokens[i];
            if (t.Special || !t.Token.Contains('\uFFFD', StringComparison.Ordinal))
            {
                merged.Add(t);
                i++;
                continue;
            }
            // Grow the run until it decodes cleanly; each extra token may finish a character (and start the next).
            int end = i + 1;
            string text = t.Token;
            while (end < tokens.Count && !tokens[end].Special && end - i < 4 * MaxCharacterTokens)
            {
                string longer = encoder.TokensText([.. tokens.Skip(i).Take(end + 1 - i).Select(x => x.Id)]);
                end++;
                text = longer;
                if (!longer.Contains('\uFFFD', StringComparison.Ordinal)) break;
            }
            merged.Add(new TokenAttribution(text, t.Id, tokens.Skip(i).Take(end - i).Sum(x => x.Attribution), false));
            i = end;
        }
        return explanation with { Tokens = merged };
    }

}
