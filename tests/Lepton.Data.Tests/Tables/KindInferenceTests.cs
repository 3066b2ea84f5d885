using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tests.Tables;

/// <summary>Which kind each column's values make, missing words ignored.</summary>
public sealed class KindInferenceTests
{
    private static List<string?> Values(params string?[] v) => [.. v];

    [Theory]
    [InlineData(ColumnKind.Numeric, "1", "2.5", "-3e2", null)]
    [InlineData(ColumnKind.Boolean, "true", "False", "yes", "NO")]
    [InlineData(ColumnKind.DateTime, "2024-01-02", "2024-01-02 10:00:00", "2024/03/04T05:06:07Z", null)]
    [InlineData(ColumnKind.DateTime, "01.03.2024", "1.3.2024 14:30", "31.12.2023 23:59:59", null)]
    [InlineData(ColumnKind.Categorical, "13.13.2024", "01.03.2024", "13.13.2024")]
    [InlineData(ColumnKind.Numeric, "1.5", "12.25", "3.0")]
    [InlineData(ColumnKind.Categorical, "red", "blue", "red", "green")]
    [InlineData(ColumnKind.Categorical, "1", "two", "3", "4")]
    [InlineData(ColumnKind.Categorical, "03/04/2020", "05/06/2021", "03/04/2020")]
    public void InferText_Values_Kind(ColumnKind expected, params string?[] values) =>
        Assert.Equal(expected, KindInference.InferText(Values(values), "c"));

    [Theory]
    [InlineData("01.03.2024", 2024, 3, 1, 0, 0)]
    [InlineData("1.3.2024 14:30", 2024, 3, 1, 14, 30)]
    [InlineData(" 31.12.2023 23:59:59 ", 2023, 12, 31, 23, 59)]
    public void TryParseDateTime_DottedDate_DayFirst(string text, int year, int month, int day, int hour, int minute)
    {
        Assert.True(TableValues.TryParseDateTime(text, out var t));
        Assert.Equal((year, month, day, hour, minute), (t.Year, t.Month, t.Day, t.Hour, t.Minute));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("12.25.2024")]
    [InlineData("1.2.24")]
    [InlineData("01.03.2024x")]
    public void TryParseDateTime_NotADottedDate_False(string text) => Assert.False(TableValues.TryParseDateTime(text, out _));

    [Fact]
    public void InferText_OnlyMissing_Categorical() => Assert.Equal(ColumnKind.Categorical, KindInference.InferText(Values(null, null), "c"));

    [Fact]
    public void InferText_UniqueShortStrings_Identifier()
    {
        var ids = Enumerable.Range(0, 30).Select(i => (string?)$"user-{i * 7919 % 1000:D4}").ToList();
        Assert.Equal(ColumnKind.Identifier, KindInference.InferText(ids, "user"));
    }

    [Fact]
    public void InferText_UniqueStringsInATinyTable_CategoricalNotIdentifier()
    {
        var few = Enumerable.Range(0, 5).Select(i => (string?)$"u{i}").ToList();
        Assert.Equal(ColumnKind.Categorical, KindInference.InferText(few, "user"));
    }

    [Fact]
    public void InferText_WordySentences_Text()
    {
        var text = Enumerable.Range(0, 30).Select(i => (string?)$"the parcel number {i} arrived late and damaged").ToList();
        Assert.Equal(ColumnKind.Text, KindInference.InferText(text, "review"));
    }

    [Fact]
    public void InferNumbers_ConsecutiveUniqueIntegers_Identifier()
    {
        var rows = Enumerable.Range(1000, 50).Select(i => (double)i).Reverse().ToList();
        Assert.Equal(ColumnKind.Identifier, KindInference.InferNumbers(rows, "n"));
    }

    [Fact]
    public void InferNumbers_UniqueSparseIntegersNamedLikeAnId_Identifier()
    {
        var rows = Enumerable.Range(0, 40).Select(i => (double)(i * 37 + 5)).ToList();
        Assert.Equal(ColumnKind.Identifier, KindInference.InferNumbers(rows, "customer_id"));
        Assert.Equal(ColumnKind.Identifier, KindInference.InferNumbers(rows, "orderId"));
        Assert.Equal(ColumnKind.Numeric, KindInference.InferNumbers(rows, "income"));
    }

    [Fact]
    public void Infer_IdsOfAFewDuplicatedRecords_StillIdentifier()
    {
        // 200 records, the first 8 entered twice (4% repeats): the ids repeat with them.
        var numbers = Enumerable.Range(0, 200).Concat(Enumerable.Range(0, 8)).Select(i => (double)(i * 37 + 5)).ToList();
        Assert.Equal(ColumnKind.Identifier, KindInference.InferNumbers(numbers, "customer_id"));
        var consecutive = Enumerable.Range(1, 200).Concat(Enumerable.Range(1, 8)).Select(i => (double)i).ToList();
        Assert.Equal(ColumnKind.Identifier, KindInference.InferNumbers(consecutive, "n"));
        var text = Enumerable.Range(0, 200).Concat(Enumerable.Range(0, 8)).Select(i => (string?)$"C{i:D6}").ToList();
        Assert.Equal(ColumnKind.Identifier, KindInference.InferText(text, "customer"));
    }

    [Fact]
    public void Infer_ValuesRepeatingInOverOneRowInTwenty_NotIdentifier()
    {
        // 200 values, 12 of them repeated (6%): a high-cardinality category or a measurement, not an id.
        var numbers = Enumerable.Range(0, 200).Concat(Enumerable.Range(0, 12)).Select(i => (double)(i * 37 + 5)).ToList();
        Assert.Equal(ColumnKind.Numeric, KindInference.InferNumbers(numbers, "customer_id"));
        var text = Enumerable.Range(0, 200).Concat(Enumerable.Range(0, 12)).Select(i => (string?)$"C{i:D6}").ToList();
        Assert.Equal(ColumnKind.Categorical, KindInference.InferText(text, "customer"));
    }

    [Fact]
    public void InferNumbers_RepeatedOrFractionalValues_Numeric()
    {
        Assert.Equal(ColumnKind.Numeric, KindInference.InferNumbers([.. Enumerable.Range(0, 40).Select(i => (double)(i / 2))], "id"));
        Assert.Equal(ColumnKind.Numeric, KindInference.InferNumbers([.. Enumerable.Range(0, 40).Select(i => i + 0.5)], "id"));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("  ", true)]
    [InlineData("NA", true)]
    [InlineData("n/a", true)]
    [InlineData("NaN", true)]
    [InlineData("null", true)]
    [InlineData("None", true)]
    [InlineData("?", true)]
    [InlineData("0", false)]
    [InlineData("nothing", false)]
    public void IsMissing_Word_Expected(string text, bool missing) => Assert.Equal(missing, TableValues.IsMissing(text));

    [Theory]
    [InlineData("Infinity")]
    [InlineData("1,000")]
    [InlineData("0x10")]
    public void TryParseNumber_NotAFiniteInvariantNumber_False(string text) => Assert.False(TableValues.TryParseNumber(text, out _));

    [Fact]
    public void TryParseDateTime_Offset_ConvertedToUtc()
    {
        Assert.True(TableValues.TryParseDateTime("2024-03-01T12:00:00+02:00", out var t));
        Assert.Equal(new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc), t);
        Assert.Equal(DateTimeKind.Utc, t.Kind);
    }
}
