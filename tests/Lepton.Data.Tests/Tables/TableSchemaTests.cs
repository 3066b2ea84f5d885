using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tests.Tables;

/// <summary>Pinned schemas: JSON and YAML forms, pinned kinds winning over inference, errors that name the row and column.</summary>
public sealed class TableSchemaTests : IDisposable
{
    private readonly TableFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly TableSchema Sample = new(
        [new ColumnSpec("zip", ColumnKind.Categorical), new ColumnSpec("age", ColumnKind.Numeric), new ColumnSpec("weird \"name\": x", ColumnKind.Text)],
        "churned", TableTask.Classification, "household", null);

    [Fact]
    public void ToJson_FromJson_RoundTrips()
    {
        var back = TableSchema.FromJson(Sample.ToJson());
        Assert.Equal(Sample.Columns, back.Columns);
        Assert.Equal((Sample.LabelColumn, Sample.Task, Sample.GroupColumn, Sample.TimeColumn), (back.LabelColumn, back.Task, back.GroupColumn, back.TimeColumn));
    }

    [Fact]
    public void ToYaml_FromYaml_RoundTrips()
    {
        var back = TableSchema.FromYaml(Sample.ToYaml());
        Assert.Equal(Sample.Columns, back.Columns);
        Assert.Equal((Sample.LabelColumn, Sample.Task, Sample.GroupColumn, Sample.TimeColumn), (back.LabelColumn, back.Task, back.GroupColumn, back.TimeColumn));
    }

    [Fact]
    public void FromYaml_HandWritten_Read()
    {
        var s = TableSchema.FromYaml("columns:\n  zip: categorical\n  when: date-time\nlabel_column: y\ntask: regression\n");
        Assert.Equal([new ColumnSpec("zip", ColumnKind.Categorical), new ColumnSpec("when", ColumnKind.DateTime)], s.Columns);
        Assert.Equal(("y", (TableTask?)TableTask.Regression, (string?)null), (s.LabelColumn, s.Task, s.GroupColumn));
    }

    [Theory]
    [InlineData("{\"columns\": {\"a\": \"vector\"}}", "kind 'vector'")]
    [InlineData("{\"colums\": {}}", "unknown key 'colums'")]
    [InlineData("{\"task\": \"clustering\"}", "not classification or regression")]
    [InlineData("{\"format\": \"lepton-table-schema/9\"}", "expected \"lepton-table-schema/1\"")]
    [InlineData("[1]", "is a JSON object")]
    public void FromJson_Invalid_RefusedNamingTheProblem(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => TableSchema.FromJson(json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_PinnedCategorical_KeepsLeadingZerosThatInferenceWouldParse()
    {
        var path = _files.Write("z.csv", "zip,n\n02134,1\n10001,2\n");
        Assert.Equal(ColumnKind.Numeric, TableReader.Read(path)["zip"].Kind);
        var t = TableReader.Read(path, new TableSchema([new ColumnSpec("zip", ColumnKind.Categorical)]));
        Assert.Equal(["02134", "10001"], ((StringColumn)t["zip"]).Values.AsEnumerable());
        Assert.Equal(ColumnKind.Numeric, t["n"].Kind);
    }

    [Fact]
    public void Read_PinnedNumericWithText_ErrorNamesLineRowAndColumn()
    {
        var path = _files.Write("p.csv", "age,city\n31,Paris\nforty,Lyon\n");
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path, new TableSchema([new ColumnSpec("age", ColumnKind.Numeric)])));
        Assert.Contains("p.csv line 3 (row 2), column 'age': 'forty' is not a number, but the schema pins it numeric", e.Message);
    }

    [Fact]
    public void Read_PinnedColumnNotInData_Refused()
    {
        var path = _files.Write("p.csv", "age\n31\n");
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path, new TableSchema([new ColumnSpec("agee", ColumnKind.Numeric)])));
        Assert.Contains("pins 'agee', which the data does not have", e.Message);
    }

    [Fact]
    public void Apply_NumericIntegerLabelWithFewValues_ClassificationElseRegression()
    {
        var t = new Table([new NumericColumn("y", [0, 1, 1, 0]), new NumericColumn("v", [0.5, 1.5, 2.25, 3])]);
        Assert.Equal(TableTask.Classification, TableRoles.Apply(t, "y").Task);
        Assert.Equal(TableTask.Regression, TableRoles.Apply(t, "v").Task);
        var e = Assert.Throws<ArgumentException>(() => TableRoles.Apply(t, "nope"));
        Assert.Contains("label column 'nope' is not in the table", e.Message);
    }

    [Fact]
    public void Apply_RegressionOnACategoricalLabel_Refused()
    {
        var t = new Table([new StringColumn("y", ColumnKind.Categorical, ["a", "b"])]);
        var e = Assert.Throws<ArgumentException>(() => TableRoles.Apply(t, "y", TableTask.Regression));
        Assert.Contains("Regression needs a numeric label", e.Message);
    }

    [Fact]
    public void FeatureColumns_LeavesOutLabelGroupAndIdentifiers_AndKeepsText()
    {
        var s = new TableSchema([new ColumnSpec("id", ColumnKind.Identifier), new ColumnSpec("x", ColumnKind.Numeric), new ColumnSpec("note", ColumnKind.Text),
            new ColumnSpec("g", ColumnKind.Categorical), new ColumnSpec("c", ColumnKind.Categorical), new ColumnSpec("y", ColumnKind.Boolean)], "y", null, "g");
        Assert.Equal(["x", "note", "c"], s.FeatureColumns());
    }

    [Fact]
    public void FromYaml_AliasBomb_RefusedNotExpanded()
    {
        var yaml = new System.Text.StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (int level = 1; level < 8; level++)
            yaml.Append($"{(char)('a' + level)}: &{(char)('a' + level)} [" + string.Join(", ", Enumerable.Repeat($"*{(char)('a' + level - 1)}", 10)) + "]\n");
        var e = Assert.Throws<FormatException>(() => TableSchema.FromYaml(yaml.ToString()));
        Assert.Contains("entries", e.Message);
    }

    [Fact]
    public void Read_PinnedBooleanAndDateTime_ConvertsOrNamesTheBadValue()
    {
        var path = _files.Write("b.csv", "flag,when\n1,2024-01-01\n0,2024-02-30\n");
        var schema = new TableSchema([new ColumnSpec("flag", ColumnKind.Boolean), new ColumnSpec("when", ColumnKind.DateTime)]);
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path, schema));
        Assert.Contains("b.csv line 3 (row 2), column 'when': '2024-02-30' is not an ISO 8601 date", e.Message);
        var t = TableReader.Read(path, new TableSchema([new ColumnSpec("flag", ColumnKind.Boolean)]));
        Assert.Equal(new bool?[] { true, false }, ((BooleanColumn)t["flag"]).Values);
    }

    [Fact]
    public void Apply_TimeColumnThatIsText_Refused()
    {
        var t = new Table([new StringColumn("when", ColumnKind.Categorical, ["soon", "later"]), new NumericColumn("y", [1, 2])]);
        var e = Assert.Throws<ArgumentException>(() => TableRoles.Apply(t, "y", time: "when"));
        Assert.Contains("time column 'when' is categorical", e.Message);
    }

    [Fact]
    public void Apply_RolesFromThePinnedSchema_UsedWhenNotGiven()
    {
        var t = new Table([new StringColumn("g", ColumnKind.Categorical, ["a", "b"]), new NumericColumn("y", [0, 1])]);
        var s = TableRoles.Apply(t, pinned: new TableSchema([], "y", TableTask.Regression, "g"));
        Assert.Equal(("y", (TableTask?)TableTask.Regression, "g"), (s.LabelColumn, s.Task, s.GroupColumn));
    }
}
