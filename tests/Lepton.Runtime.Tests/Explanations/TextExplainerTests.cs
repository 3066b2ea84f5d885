using Lepton.Data.Text.Tokenizers;
using Lepton.Engine;
using Lepton.Runtime.Explanations;
using Lepton.Runtime.Text;

namespace Lepton.Runtime.Tests.Explanations;

/// <summary>
/// Token occlusion against a model whose decision is known: its spam logit is 3 per occurrence of the word "free", so "free"
/// alone carries the spam class; every other token's attribution is exactly zero, and special tokens are left in place.
/// </summary>
public sealed class TextExplainerTests
{
    private static readonly string[] Corpus = ["free prize now", "meeting on friday", "free free offer", "the invoice is attached", "call me now"];

    private static (TextInputEncoder Encoder, int FreeId) WordPiece()
    {
        var tokenizer = new TextTokenizer(TokenizerTrainer.Train(Corpus, new TokenizerTrainingOptions(TokenizerKind.WordPiece, 200, MinFrequency: 1)));
        return (TextInputEncoder.ForTokenizer(tokenizer, 32), tokenizer.Model.Id("free"));
    }

    // ids (N,T) → logits (N,2): [0, 3 × count of "free"].
    private static Func<TensorSet, CancellationToken, Task<TensorSet>> CountsFree(int freeId, List<int>? rowsSeen = null) => (inputs, _) =>
    {
        var ids = inputs[0];
        int n = ids.Shape[0], t = ids.Shape[1];
        rowsSeen?.Add(n);
        var span = ids.Contiguous().Span<int>();
        var logits = new float[n * 2];
        for (int r = 0; r < n; r++)
            for (int i = 0; i < t; i++)
                if (span[r * t + i] == freeId) logits[r * 2 + 1] += 3;
        return Task.FromResult(new TensorSet(Tensor.FromArray(logits, n, 2)));
    };

    [Fact]
    public async Task TheDecisiveWord_GetsTheWholeDrop_OtherTokensZero()
    {
        var (encoder, free) = WordPiece();
        var explanation = await TextExplainer.ExplainAsync(encoder, ["ham", "spam"], "free prize now", CountsFree(free));
        Assert.Equal(1, explanation.Class);
        Assert.Equal("spam", explanation.ClassName);
        double pSpam = 1 / (1 + Math.Exp(-3));
        Assert.Equal(pSpam, explanation.Probabilities[1], 9);
        var words = explanation.Tokens.Where(t => !t.Special).ToList();
        Assert.Equal(["free", "prize", "now"], words.Select(t => t.Token.Trim()));
        Assert.Equal(pSpam - 0.5, words[0].Attribution, 9);
        Assert.All(words.Skip(1), t => Assert.Equal(0, t.Attribution));
        // [CLS] and [SEP] frame the text and are never taken out.
        Assert.Equal(["[CLS]", "[SEP]"], explanation.Tokens.Where(t => t.Special).Select(t => t.Token));
        Assert.All(explanation.Tokens.Where(t => t.Special), t => Assert.Equal(0, t.Attribution));
    }

    [Fact]
    public async Task ExplainingTheOtherClass_FlipsTheSign()
    {
        var (encoder, free) = WordPiece();
        var explanation = await TextExplainer.ExplainAsync(encoder, ["ham", "spam"], "free free offer", CountsFree(free), cls: 0);
        Assert.Equal(0, explanation.Class);
        Assert.All(explanation.Tokens.Where(t => t.Token.Trim() == "free"), t => Assert.True(t.Attribution < 0, $"{t.Attribution}"));
    }

    [Fact]
    public async Task LongText_RunsInChunks_OfAtMostChunkRows()
    {
        var (encoder, free) = WordPiece();
        string text = string.Join(" ", Enumerable.Repeat("call me now", 80));
        var seen = new List<int>();
        var explanation = await TextExplainer.ExplainAsync(TextInputEncoder.ForTokenizer(new TextTokenizer(TokenizerTrainer.Train(Corpus,
            new TokenizerTrainingOptions(TokenizerKind.WordPiece, 200, MinFrequency: 1))), 200), ["ham", "spam"], text, CountsFree(free, seen));
        Assert.Equal(200, explanation.Tokens.Count);
        Assert.Equal(201, seen.Sum());
        Assert.All(seen, n => Assert.True(n <= TextExplainer.ChunkRows));
    }

    [Fact]
    public void Html_EncodesTokens_AndColoursTheDecisiveOne()
    {
        var explanation = new TextExplanation(1, "spam", [0.2, 0.8],
            [new TokenAttribution("[CLS]", 2, 0, true), new TokenAttribution("<b>free", 7, 0.3, false), new TokenAttribution(" now", 8, -0.1, false)]);
        string html = TextExplanationHtml.Fragment(explanation);
        Assert.Contains("&lt;b&gt;free", html);
        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("[CLS]", html);
        Assert.Contains("rgba(220,38,38,0.75)", html);
        Assert.Contains("rgba(37,99,235,0.25)", html);
    }
}
