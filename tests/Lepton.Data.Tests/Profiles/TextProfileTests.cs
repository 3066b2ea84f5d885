using Lepton.Data.Profiles;

namespace Lepton.Data.Tests.Profiles;

/// <summary>Token-frequency bins, script counts, text statistics and the text section of reference.json.</summary>
public sealed class TextProfileTests
{
    // Id 0 is the most frequent token (half the corpus), ids 1..9 share the rest, id 10 is seen twice, id 11 never.
    private static List<int[]> Corpus()
    {
        var sequences = new List<int[]>();
        for (int i = 0; i < 100; i++) sequences.Add([0, 0, 0, 0, 0, 0, 0, 0, 0, 1 + i % 9]);
        sequences.Add([10, 10]);
        return sequences;
    }

    [Fact]
    public void Bins_PutFrequentTokensFirst_MarkRareAndUnseen_AndAreDeterministic()
    {
        var bins = TokenFrequencyBins.Build(Corpus(), vocabSize: 12);
        Assert.Equal(0, bins.BinOf(0));
        Assert.InRange(bins.BinOf(5), 1, TokenFrequencyBins.SeenBins - 1);
        Assert.Equal(TokenFrequencyBins.SeenBins, bins.BinOf(11));   // never seen
        Assert.Equal(TokenFrequencyBins.SeenBins, bins.BinOf(500));  // outside the vocabulary
        Assert.False(bins.IsRare(0));
        Assert.True(bins.IsRare(10));                                 // seen twice, below RareBelow
        Assert.True(bins.IsRare(11));
        Assert.Equal(bins.ToBase64(), TokenFrequencyBins.Build(Corpus(), 12).ToBase64());
        var back = TokenFrequencyBins.FromBase64(bins.ToBase64());
        Assert.All(Enumerable.Range(0, 12), id => Assert.Equal(bins.BinOf(id), back.BinOf(id)));
        Assert.Throws<InvalidDataException>(() => TokenFrequencyBins.FromBase64("not base64!"));
        Assert.Throws<InvalidDataException>(() => TokenFrequencyBins.FromBase64(Convert.ToBase64String([0, 42])));
        Assert.Throws<ArgumentException>(() => TokenFrequencyBins.Build([[12]], 12));
    }

    [Fact]
    public void Scripts_CountLettersAndDigitsByWritingSystem()
    {
        var counts = new int[TextScripts.Names.Count];
        TextScripts.Count("Hello, мир! 你好 こんにちは 123 αβ مرحبا שלום नमस्ते 😀", counts);
        int Count(string name) => counts[TextScripts.Names.ToList().IndexOf(name)];
        Assert.Equal(5, Count("latin"));
        Assert.Equal(3, Count("cyrillic"));
        Assert.Equal(7, Count("cjk"));
        Assert.Equal(3, Count("digit"));
        Assert.Equal(2, Count("greek"));
        Assert.Equal(5, Count("arabic"));
        Assert.Equal(4, Count("hebrew"));
        Assert.True(Count("indic") >= 4);
        Assert.Equal(0, Count("other_letter")); // punctuation, spaces and the emoji are not counted
    }

    [Fact]
    public void Statistics_CountRatesAndBins_AndTheReferenceRoundTripsThroughReferenceJson()
    {
        var bins = TokenFrequencyBins.Build(Corpus(), vocabSize: 12);
        var s = TextStatistics.Of("ab\uFFFDcd", [0, 10, 11, 3], bins, unknownId: 3);
        Assert.Equal(5, s.Chars);
        Assert.Equal(4, s.Tokens);
        Assert.Equal(0.5, s["unknown_rate"]);          // one [UNK] id and one replacement character
        Assert.Equal(0.5, s["rare_token_rate"]);       // ids 10 and 11
        Assert.Equal(4, s.FrequencyBins.Sum());
        Assert.Equal(1, s.FrequencyBins[TokenFrequencyBins.SeenBins]);
        Assert.Equal(4, s.Scripts[0]);

        var examples = Enumerable.Range(0, 50).Select(i => TextStatistics.Of(new string('a', 5 + i % 7), [0, 0, 1 + i % 9], bins, -1)).ToList();
        var text = TextReferenceProfile.Build(examples, bins);
        Assert.Equal(1.0, text.ScriptProportions[0], 9);
        Assert.Equal(1.0, text.FrequencyProportions.Sum(), 9);
        // A rate that is 0 for every training text still gets a bin above it, so a live rate above 0 lands apart.
        var rare = text.Statistics["rare_token_rate"];
        Assert.NotEqual(rare.BinOf(0), rare.BinOf(0.2));

        string dir = Directory.CreateTempSubdirectory("text-reference").FullName;
        try
        {
            ReferenceProfile.ForText(examples.Count, text, ["a", "b"], [30, 20], [25, 25]).Save(dir);
            var loaded = ReferenceProfile.Load(dir)!;
            Assert.Equal(50, loaded.Count);
            Assert.Empty(loaded.Inputs);
            Assert.NotNull(loaded.Text);
            Assert.Equal(bins.ToBase64(), loaded.Text!.Bins.ToBase64());
            Assert.Equal(text.FrequencyProportions, loaded.Text.FrequencyProportions);
            Assert.Equal(text.Statistics["chars"].CutPoints, loaded.Text.Statistics["chars"].CutPoints);
            Assert.Equal([0.6, 0.4], loaded.LabelProportions);

            string path = Path.Combine(dir, ReferenceProfile.FileName);
            File.WriteAllText(path, File.ReadAllText(path).Replace("\"latin\"", "\"klingon\""));
            var error = Assert.Throws<InvalidDataException>(() => ReferenceProfile.Load(dir));
            Assert.Contains("retrain the model", error.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
