using Lepton.Factory.Recipes.Schema;

namespace Lepton.Factory.Tests.Recipes;

/// <summary>Recipe durations and the "did you mean" distance, against hand-computed values.</summary>
public sealed class DurationsTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("90s", 90_000)]
    [InlineData("15m", 900_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData(" 30 s ", 30_000)]
    public void DurationsParse(string text, double ms) => Assert.Equal(TimeSpan.FromMilliseconds(ms), Durations.TryParse(text));

    [Theory]
    [InlineData("15")]
    [InlineData("m")]
    [InlineData("-5s")]
    [InlineData("0m")]
    [InlineData("5 minutes")]
    [InlineData("0.5ms")]
    [InlineData("")]
    public void NonDurationsAreRejected(string text) => Assert.Null(Durations.TryParse(text));

    [Theory]
    [InlineData(900_000, "15m")]
    [InlineData(2, "2ms")]
    [InlineData(90_000, "90s")]
    [InlineData(86_400_000, "1d")]
    public void DurationsFormatShort(double ms, string text) => Assert.Equal(text, Durations.Format(TimeSpan.FromMilliseconds(ms)));

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("epoch", "epochs", 1)]
    [InlineData("", "abc", 3)]
    [InlineData("adam", "adam", 0)]
    public void EditDistance(string a, string b, int d) => Assert.Equal(d, Lepton.Data.EditDistance.Levenshtein(a, b));

    [Fact]
    public void SuggestionsOnlyForNearMisses()
    {
        Assert.Equal("batch_size", Suggestions.Closest("batchsize", ["epochs", "batch_size"]));
        Assert.Null(Suggestions.Closest("zebra", ["epochs", "batch_size"]));
        Assert.Equal("monitoring", Suggestions.Closest("monitor", ["model", "monitoring"]));
    }
}
