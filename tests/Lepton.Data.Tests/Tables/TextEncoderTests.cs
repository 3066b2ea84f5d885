using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Encoding;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tests.Tables;

/// <summary>
/// Free-text columns as features: the words and terms read, the terms kept, TF-IDF values against a plain computation, missing
/// text in each mode, and encoders.json giving the same bits back.
/// </summary>
public sealed class TextEncoderTests
{
    private static Table Tickets() => new(
    [
        new StringColumn("message", ColumnKind.Text,
        [
            "The app keeps crashing", "app crashing again!", "Thanks, all good", "thanks for the help", "crashing after the update",
            null, "Refund please: charged twice", "thanks", "the app is fine", "Привет, приложение падает",
        ]),
        new StringColumn("y", ColumnKind.Categorical, ["bad", "bad", "ok", "ok", "bad", "ok", "bad", "ok", "ok", "bad"]),
    ]);

    [Fact]
    public void Words_AreLetterAndDigitRunsInAnyScript_LowerCased_AndTermsAddAdjacentPairs()
    {
        Assert.Equal(["the", "app", "keeps", "crashing", "v2", "привет", "мир"], TextTerms.Words("The app, keeps-crashing! v2 Привет мир"));
        var counts = TextTerms.Counts(TextTerms.Words("not working not working"));
        Assert.Equal(2, counts["not"]);
        Assert.Equal(2, counts["not working"]);
        Assert.Equal(1, counts["working not"]);
        Assert.Equal(TextTerms.MaxCharacters / 2, TextTerms.Words(string.Concat(Enumerable.Repeat("a ", TextTerms.MaxCharacters))).Count);
    }

    [Fact]
    public void Fit_KeepsTermsInAtLeastThreeRows_AndTheirSmoothIdf()
    {
        var set = EncoderSet.FitOnTrain(Tickets(), TableRoles.Apply(Tickets(), "y"));
        var text = Assert.IsType<TextEncoder>(Assert.Single(set.Encoders));
        // 9 texts: "the" in 4, "app", "crashing" and "thanks" in 3 each (ties in ordinal order); every other term in fewer than 3.
        Assert.Equal(["the", "app", "crashing", "thanks"], text.Terms);
        Assert.Equal(Math.Log(10.0 / 5) + 1, text.Idf[0], 12);
        Assert.Equal(Math.Log(10.0 / 4) + 1, text.Idf[2], 12);
        Assert.Equal(["message~the", "message~app", "message~crashing", "message~thanks", "message:words"], set.FeatureNames);
    }

    [Theory]
    [InlineData(EncoderMode.Trees)]
    [InlineData(EncoderMode.Linear)]
    public void Transform_IsUnitLengthTfIdf_WithTheWordCount_AndMissingTextPerMode(EncoderMode mode)
    {
        var table = Tickets();
        var set = EncoderSet.FitOnTrain(table, TableRoles.Apply(table, "y"), options: new EncoderOptions(mode));
        var text = (TextEncoder)set.Encoders[0];
        var m = set.Transform(table);
        // Row 0, "The app keeps crashing": the, app, crashing once each; "keeps" is not kept.
        double[] plain = [text.Idf[0], text.Idf[1], text.Idf[2], 0];
        double norm = Math.Sqrt(plain.Sum(v => v * v));
        var row = m.Row(0).ToArray();
        for (int j = 0; j < 4; j++) Assert.Equal(plain[j] / norm, row[j], 6);
        Assert.Equal((float)Math.Log(5), row[4]);
        // A text of no kept term: zeros and its length; a missing text: no terms, its length NaN for trees, 0 (+ indicator) for linear.
        Assert.Equal([0f, 0f, 0f, 0f, (float)Math.Log(4)], m.Row(9)[..5].ToArray());
        var missing = m.Row(5).ToArray();
        Assert.Equal([0f, 0f, 0f, 0f], missing[..4]);
        if (mode == EncoderMode.Trees) Assert.True(float.IsNaN(missing[4]));
        else Assert.Equal([0f, 1f], missing[4..]);
        // Request rows encode to the same bits as the table; encoders.json gives the same transform back.
        var rows = Enumerable.Range(0, table.RowCount).Select(r => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["message"] = table["message"].GetValue(r) }).ToList();
        Assert.Equal(m.Values, set.Transform(rows).Values);
        Assert.Equal(m.Values, EncoderSet.FromJson(set.ToJson()).Transform(table).Values);
    }

    [Fact]
    public void ARepeatingColumnOfSentences_WithMoreValuesThanACategoryCap_IsText()
    {
        // 300 rows of 150 different sentences, each twice: half distinct, but more than a categorical column keeps.
        var values = Enumerable.Range(0, 300).Select(i => $"order {i % 150} arrived late and damaged").ToArray();
        Assert.Equal(ColumnKind.Text, KindInference.InferText(values, "note"));
        // A handful of repeated sentences stays categorical.
        Assert.Equal(ColumnKind.Categorical, KindInference.InferText([.. Enumerable.Range(0, 300).Select(i => $"reason number {i % 5} was given")], "reason"));
    }
}
