using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Reports.Evaluation.Tables;
using Lepton.Reports.Evaluation.Text;
using Lepton.Reports.Statistics;

namespace Lepton.Reports.Tests.Examples;

/// <summary>The gallery views and slice keys of texts and rows: hostile values are encoded and bounded, scripts and groups are named right.</summary>
public sealed class ExampleViewsTests
{
    [Theory]
    [InlineData("the meeting is on friday", "Latin")]
    [InlineData("встреча в пятницу, ok", "Cyrillic")]
    [InlineData("会议改到3号房间 ok", "Han")]
    [InlineData("مرحبا بالعالم", "Arabic")]
    [InlineData("12345 !!! 🙂", TextScripts.None)]
    [InlineData("", TextScripts.None)]
    public void Dominant_NamesTheScriptOfMostLetters(string text, string script) => Assert.Equal(script, TextScripts.Dominant(text));

    [Fact]
    public void RowView_EncodesValues_CutsLongCells_AndCapsColumns()
    {
        var columns = new List<TableColumn>
        {
            new StringColumn("note", ColumnKind.Text, ["<img src=x onerror=alert(1)>", new string('y', 500)]),
            new NumericColumn("usage", [1.5, double.NaN]),
        };
        for (int i = 0; i < 40; i++) columns.Add(new NumericColumn($"c{i}", [i, i]));
        var views = new TableRowViews(new Table(columns));
        string first = views.Html(0)!;
        Assert.DoesNotContain("<img", first);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", first);
        Assert.Contains("<td data-column=\"usage\">1.5</td>", first);
        Assert.Equal(TableRowViews.MaxColumns, System.Text.RegularExpressions.Regex.Count(first, "<td data-column="));
        Assert.Contains("+10 columns", first);
        string second = views.Html(1)!;
        Assert.Contains(new string('y', TableRowViews.MaxCellChars) + "…</td>", second);
        Assert.DoesNotContain(new string('y', TableRowViews.MaxCellChars + 1), second);
        Assert.Contains("<td data-column=\"usage\"><span class=\"muted\">missing</span></td>", second);
    }

    [Fact]
    public void Bounded_KeepsTheMostFrequentKeys_AndLumpsTheRest()
    {
        string[] keys = ["a", "a", "a", "b", "b", "c", "d", "e"];
        Assert.Same(keys, Slices.Bounded(keys, 5));
        Assert.Equal(["a", "a", "a", "b", "b", "(other)", "(other)", "(other)"], Slices.Bounded(keys, 3));
    }

    [Fact]
    public void TextExamples_RefuseLabelsOutsideTheClasses() =>
        Assert.Contains("class id 2", Assert.Throws<ArgumentException>(() => new TextExamples(["a", "b"], [0, 2], ["x", "y"])).Message);

    [Fact]
    public async Task TokenAttributions_JoinByteLevelPiecesOfACharacter_AndSumTheirAttributions()
    {
        string[] corpus = ["hello friends", "the match today"];
        var tokenizer = new Lepton.Data.Text.Tokenizers.TextTokenizer(Lepton.Data.Text.Tokenizers.TokenizerTrainer.Train(corpus,
            new Lepton.Data.Text.Tokenizers.TokenizerTrainingOptions(Lepton.Data.Text.Tokenizers.TokenizerKind.ByteLevelBpe, 300, MinFrequency: 1)));
        var encoder = Lepton.Runtime.Text.TextInputEncoder.ForTokenizer(tokenizer, 64);
        const string text = "hello Привет 会议";
        // Logits (N,2) = [0, number of tokens kept]: every token argues for class 1 by the same amount.
        var explanation = await Lepton.Runtime.Explanations.TextExplainer.ExplainAsync(encoder, ["a", "b"], text, (x, _) =>
        {
            var mask = x[0].Contiguous().Span<int>();
            int n = x[0].Shape[0], t = x[0].Shape[1];
            var logits = new float[n * 2];
            for (int r = 0; r < n; r++)
                for (int i = 0; i < t; i++) logits[r * 2 + 1] += mask[r * t + i] == encoder.PadId ? 0 : 0.1f;
            return Task.FromResult(new Lepton.Runtime.TensorSet(Lepton.Engine.Tensor.FromArray(logits, n, 2)));
        });
        // Every character comes out whole (no U+FFFD pieces), each merged run carrying the sum of its pieces' attributions.
        Assert.Equal(text, string.Concat(explanation.Tokens.Where(t => !t.Special).Select(t => t.Token)));
        Assert.DoesNotContain(explanation.Tokens, t => t.Token.Contains('\uFFFD', StringComparison.Ordinal));
        var pieces = encoder.Ids(text).Where(id => !encoder.IsSpecial(id)).ToArray();
        Assert.Contains(pieces, id => encoder.TokenText(id).Contains('\uFFFD', StringComparison.Ordinal));
        Assert.True(explanation.Tokens.Count(t => !t.Special) < pieces.Length);
        double one = explanation.Tokens.First(t => t.Token == "hello").Attribution;
        Assert.All(explanation.Tokens.Where(t => !t.Special && t.Token.Trim().Length > 0 && t.Token[0] > 0x400),
            t => Assert.True(t.Attribution > one * 1.5, $"'{t.Token}' merges several pieces, so its attribution {t.Attribution} should be a sum"));
    }
}
