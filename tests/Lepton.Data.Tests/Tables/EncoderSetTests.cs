using System.Text.Json;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Encoding;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tests.Tables;

/// <summary>
/// Column encoders: the values each mode writes, fitting on train only, the unknown bucket, the predict-time rules, and
/// encoders.json loading back to bit-identical transforms (tables and request rows alike).
/// </summary>
public sealed class EncoderSetTests
{
    private static readonly DateTime T0 = new(2024, 3, 1, 14, 0, 0, DateTimeKind.Utc); // a Friday

    private static Table Train() => new(
    [
        new NumericColumn("x", [1, 2, 3, double.NaN, 10]),
        new StringColumn("c", ColumnKind.Categorical, ["a", "b", "a", null, "a"]),
        new BooleanColumn("b", [true, false, null, true, true]),
        new DateTimeColumn("t", [T0, T0.AddDays(31), null, T0.AddHours(5), T0]),
        new StringColumn("y", ColumnKind.Categorical, ["p", "q", "p", "q", "p"]),
    ]);

    private static TableSchema Schema(Table t) => TableRoles.Apply(t, "y");

    [Fact]
    public void Fit_Trees_NumbersAsIsCategoriesAsCodesMarkedCategoricalNaNForMissing()
    {
        var set = EncoderSet.FitOnTrain(Train(), Schema(Train()));
        Assert.Equal(["x", "c", "b", "t.year", "t.month", "t.day", "t.day_of_week", "t.hour"], set.FeatureNames);
        Assert.Equal([1], set.CategoricalFeatures);
        var m = set.Transform(Train());
        Assert.Equal((5, 8), (m.Rows, m.Columns));
        Assert.Equal([1f, 0f, 1f, 2024f, 3f, 1f, 5f, 14f], m.Row(0).ToArray());
        Assert.Equal([2f, 1f, 0f, 2024f, 4f, 1f, 1f, 14f], m.Row(1).ToArray());
        var missing = m.Row(3).ToArray();
        Assert.True(float.IsNaN(missing[0]) && float.IsNaN(missing[1]));
        Assert.True(float.IsNaN(m.Row(2)[2]) && float.IsNaN(m.Row(2)[3]));
    }

    [Fact]
    public void MissingIndicators_ByDefault_LinearModeMarksTheColumnsWithTrainingGapsOnly()
    {
        var t = new Table(
        [
            new NumericColumn("gappy", [1, double.NaN, 3, 4]),
            new NumericColumn("full", [1, 2, 3, 4]),
            new StringColumn("plan", ColumnKind.Categorical, ["a", null, "b", "a"]),
            new StringColumn("y", ColumnKind.Categorical, ["p", "q", "p", "q"]),
        ]);
        var linear = EncoderSet.FitOnTrain(t, Schema(t), options: new EncoderOptions(EncoderMode.Linear));
        Assert.Equal(["gappy", "gappy:missing", "full", "plan=a", "plan=b", "plan=<unknown>", "plan:missing"], linear.FeatureNames);
        var m = linear.Transform(t);
        Assert.Equal([0f, 1f, 0f, 0f], Enumerable.Range(0, 4).Select(r => m.Row(r)[1]));
        // Trees see the NaN itself; an explicit false turns the indicators off in linear mode too.
        Assert.Equal(["gappy", "full", "plan"], EncoderSet.FitOnTrain(t, Schema(t)).FeatureNames);
        Assert.DoesNotContain(EncoderSet.FitOnTrain(t, Schema(t), options: new EncoderOptions(EncoderMode.Linear, MissingIndicators: false)).FeatureNames,
            n => n.EndsWith(":missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Fit_Linear_ImputedStandardizedOneHotWithUnknownAndIndicators()
    {
        var set = EncoderSet.FitOnTrain(Train(), Schema(Train()), options: new EncoderOptions(EncoderMode.Linear, MissingIndicators: true, DateParts: [DatePart.Month]));
        Assert.Equal(["x", "x:missing", "c=a", "c=b", "c=<unknown>", "c:missing", "b", "b:missing", "t.month=3", "t.month=4", "t:missing"], set.FeatureNames);
        Assert.Empty(set.CategoricalFeatures);
        var x = (NumericEncoder)set.Encoders[0];
        Assert.Equal((2.5, 4.0), (x.Median, x.Mean));
        Assert.Equal(Math.Sqrt((9 + 4 + 1 + 36) / 4.0), x.Std, 12);
        var m = set.Transform(Train());
        var row3 = m.Row(3).ToArray(); // x and c missing
        Assert.Equal((float)((2.5 - 4.0) / x.Std), row3[0]);
        Assert.Equal([1f, 1f, 0f, 0f, 1f], row3[1..6]); // indicator, then c imputed as the mode 'a'
        var unknown = set.Transform([new Dictionary<string, object?> { ["x"] = 4.0, ["c"] = "zzz", ["b"] = false, ["t"] = "2024-03-05" }]).Row(0).ToArray();
        Assert.Equal([0f, 0f, 1f, 0f], unknown[2..6]);
        Assert.Equal(0f, unknown[1]);
    }

    [Fact]
    public void Linear_CyclicDateParts_AreIndicators_NumericPartsStandardized()
    {
        // Mondays to Sundays of two months: a weekly pattern needs a weight per day, not one slope over 0 (Sunday) .. 6.
        var days = Enumerable.Range(0, 40).Select(i => (DateTime?)new DateTime(2024, 3, 4, 0, 0, 0, DateTimeKind.Utc).AddDays(i)).ToArray();
        var table = new Table([new DateTimeColumn("t", days), new StringColumn("y", ColumnKind.Categorical, [.. days.Select((_, i) => i % 2 == 0 ? "p" : "q")])]);
        var set = EncoderSet.FitOnTrain(table, Schema(table), options: new EncoderOptions(EncoderMode.Linear, DateParts: [DatePart.Year, DatePart.Month, DatePart.DayOfWeek]));
        Assert.Equal(["t.year", "t.month=3", "t.month=4", .. Enumerable.Range(0, 7).Select(d => $"t.day_of_week={d}")], set.FeatureNames);
        var monday = set.Transform([new Dictionary<string, object?> { ["t"] = "2024-04-08" }]).Row(0).ToArray();
        Assert.Equal([0f, 1f, 0f, 1f, 0f, 0f, 0f, 0f, 0f], monday[1..]);
        // A month training never saw sets no month indicator; a missing date takes the medians' values.
        var june = set.Transform([new Dictionary<string, object?> { ["t"] = "2024-06-09" }]).Row(0).ToArray();
        Assert.Equal([0f, 0f, 1f, 0f, 0f, 0f, 0f, 0f, 0f], june[1..]);
        var missing = set.Transform([new Dictionary<string, object?> { ["t"] = null }]).Row(0).ToArray();
        var encoder = (DateTimeEncoder)set.Encoders[0];
        Assert.Equal(1f, missing[1 + encoder.Levels[DatePart.Month].ToList().IndexOf((int)encoder.Medians[1])]);
        Assert.Equal(1f, missing[3 + (int)encoder.Medians[2]]);

        // Saved and read back alike; trees keep the parts as numbers.
        var back = EncoderSet.FromJson(set.ToJson());
        Assert.Equal(set.FeatureNames, back.FeatureNames);
        Assert.Equal(set.Transform(table).Values, back.Transform(table).Values);
        Assert.Equal(["t.year", "t.month", "t.day_of_week"], EncoderSet.FitOnTrain(table, Schema(table),
            options: new EncoderOptions(DateParts: [DatePart.Year, DatePart.Month, DatePart.DayOfWeek])).FeatureNames);
    }

    [Fact]
    public void Linear_DateEncodersWrittenBeforeIndicators_StillReadAsStandardizedNumbers()
    {
        const string json = """
            {"format": "lepton-encoders/1", "mode": "linear", "columns": [
              {"column": "t", "kind": "datetime", "missing_indicator": false, "parts": ["month", "day_of_week"],
               "median": [3, 2], "mean": [3.5, 3], "std": [0.5, 2]}]}
            """;
        var set = EncoderSet.FromJson(json);
        Assert.Equal(["t.month", "t.day_of_week"], set.FeatureNames);
        Assert.Equal([-1f, -1.5f], set.Transform([new Dictionary<string, object?> { ["t"] = "2024-03-03" }]).Row(0).ToArray());
    }

    [Fact]
    public void FitOnTrain_WithSplits_StatisticsFromTrainRowsOnly()
    {
        var table = new Table([new NumericColumn("x", [1, 2, 3, 1000]), new StringColumn("y", ColumnKind.Categorical, ["a", "b", "a", "b"])]);
        var splits = new TableSplits(["train", "train", "train", "test"], new int?[4]);
        var set = EncoderSet.FitOnTrain(table, TableRoles.Apply(table, "y"), splits, new EncoderOptions(EncoderMode.Linear));
        var x = (NumericEncoder)set.Encoders[0];
        Assert.Equal((2.0, 2.0), (x.Median, x.Mean));
    }

    [Theory]
    [InlineData(EncoderMode.Trees, false)]
    [InlineData(EncoderMode.Linear, true)]
    public void ToJson_FromJson_BitIdenticalTransformsAndSameJson(EncoderMode mode, bool indicators)
    {
        var rng = new Random(5);
        int n = 300;
        var table = new Table(
        [
            new NumericColumn("x", [.. Enumerable.Range(0, n).Select(i => i % 17 == 0 ? double.NaN : rng.NextDouble() * 1e3 - 333.3)]),
            new StringColumn("c", ColumnKind.Categorical, [.. Enumerable.Range(0, n).Select(i => i % 13 == 0 ? null : $"k{rng.Next(9)}")]),
            new BooleanColumn("b", [.. Enumerable.Range(0, n).Select(i => i % 11 == 0 ? (bool?)null : rng.Next(2) == 1)]),
            new DateTimeColumn("t", [.. Enumerable.Range(0, n).Select(i => i % 7 == 0 ? (DateTime?)null : T0.AddMinutes(rng.Next(1_000_000)))]),
        ]);
        var set = EncoderSet.Fit(table, ["x", "c", "b", "t"], new EncoderOptions(mode, indicators, MaxCategories: 5));
        var json = set.ToJson();
        var loaded = EncoderSet.FromJson(json);
        Assert.Equal(json, loaded.ToJson());
        var a = set.Transform(table);
        var b = loaded.Transform(table);
        Assert.Equal(a.FeatureNames, b.FeatureNames);
        Assert.Equal(a.CategoricalFeatures, b.CategoricalFeatures);
        Assert.Equal(a.Values.Select(BitConverter.SingleToInt32Bits), b.Values.Select(BitConverter.SingleToInt32Bits));

        // The same rows as request objects (JSON elements, as a server receives them) encode to the same bits.
        var rows = Enumerable.Range(0, n).Select(r => (IReadOnlyDictionary<string, object?>)JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(
            JsonSerializer.Serialize(table.Columns.ToDictionary(c => c.Name, c => c.GetValue(r))))!.ToDictionary(kv => kv.Key, kv => (object?)kv.Value)).ToList();
        var c = loaded.Transform(rows);
        Assert.Equal(a.Values.Select(BitConverter.SingleToInt32Bits), c.Values.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Transform_RowsWithMissingAndExtraKeys_MissingValuesAndExtrasIgnored()
    {
        var set = EncoderSet.FitOnTrain(Train(), Schema(Train()));
        var m = set.Transform([new Dictionary<string, object?> { ["c"] = "b", ["y"] = "label is ignored", ["junk"] = 1 }]);
        var row = m.Row(0).ToArray();
        Assert.True(float.IsNaN(row[0]));
        Assert.Equal(1f, row[1]);
    }

    [Theory]
    [InlineData("x", "ten", "Column 'x' expects a number, got the string 'ten'")]
    [InlineData("x", true, "Column 'x' expects a number, got true")]
    [InlineData("t", 5, "Column 't' expects a date-time, got a Int32")]
    [InlineData("b", "maybe", "Column 'b' expects a boolean, got the string 'maybe'")]
    public void Transform_WrongType_ErrorNamesTheColumn(string column, object value, string expected)
    {
        var set = EncoderSet.FitOnTrain(Train(), Schema(Train()));
        var e = Assert.Throws<ArgumentException>(() => set.Transform([new Dictionary<string, object?> { [column] = value }]));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Transform_TableWithoutAFeatureColumn_ErrorNamesIt()
    {
        var set = EncoderSet.FitOnTrain(Train(), Schema(Train()));
        var e = Assert.Throws<ArgumentException>(() => set.Transform(Train().Select(["x", "c", "t"])));
        Assert.Contains("lacks the feature column 'b'", e.Message);
    }

    [Fact]
    public void Fit_IdentifierColumn_Refused()
    {
        var t = new Table([new StringColumn("id", ColumnKind.Identifier, ["a", "b"])]);
        var e = Assert.Throws<ArgumentException>(() => EncoderSet.Fit(t, ["id"]));
        Assert.Contains("identifier", e.Message);
    }

    [Theory]
    [InlineData("{\"format\": \"lepton-encoders/2\", \"mode\": \"trees\", \"columns\": []}", "this Lepton reads 'lepton-encoders/1'")]
    [InlineData("{\"format\": \"lepton-encoders/1\", \"mode\": \"forest\", \"columns\": []}", "mode 'forest'")]
    [InlineData("{\"format\": \"lepton-encoders/1\", \"mode\": \"linear\", \"columns\": [{\"column\": \"x\", \"kind\": \"numeric\", \"median\": 0, \"mean\": 0, \"std\": 0}]}", "inconsistent")]
    public void FromJson_Damaged_Refused(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => EncoderSet.FromJson(json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void InputSchema_PinsTheFittedKinds()
    {
        var set = EncoderSet.FitOnTrain(Train(), Schema(Train()));
        Assert.Equal([new ColumnSpec("x", ColumnKind.Numeric), new ColumnSpec("c", ColumnKind.Categorical), new ColumnSpec("b", ColumnKind.Boolean), new ColumnSpec("t", ColumnKind.DateTime)],
            set.InputSchema.Columns);
    }
}
