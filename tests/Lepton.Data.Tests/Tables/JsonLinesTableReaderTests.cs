using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;

namespace Lepton.Data.Tests.Tables;

/// <summary>JSON Lines as a table: flat objects typed like CSV text, keys met late, and each malformed line refused by number.</summary>
public sealed class JsonLinesTableReaderTests : IDisposable
{
    private readonly TableFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Objects_BecomeTypedColumns_WithAbsentAndNullValuesMissing_AndLateKeysBackfilled()
    {
        var path = _files.Write("events.jsonl",
            "{\"user\": \"u1\", \"age\": 41, \"pro\": true, \"seen\": \"2024-01-02T10:30:00Z\", \"spend\": 12.5}\n" +
            "\n" +
            "{\"user\": \"u2\", \"age\": null, \"pro\": false, \"seen\": \"2024-02-03\", \"spend\": 1e3}\r\n" +
            "{\"spend\": 0.25, \"user\": \"u3\", \"pro\": true, \"seen\": \"NA\", \"country\": \"fr\"}");

        var read = await TableReader.ReadAsync(path);
        var t = read.Table;

        Assert.Equal(["user", "age", "pro", "seen", "spend", "country"], t.ColumnNames);
        Assert.Equal(3, t.RowCount);
        var age = Assert.IsType<NumericColumn>(t["age"]).Values;
        Assert.Equal(41, age[0]);
        Assert.True(double.IsNaN(age[1]) && double.IsNaN(age[2]));
        Assert.Equal([12.5, 1000, 0.25], Assert.IsType<NumericColumn>(t["spend"]).Values);
        Assert.Equal(new bool?[] { true, false, true }, Assert.IsType<BooleanColumn>(t["pro"]).Values);
        Assert.Equal(new DateTime(2024, 2, 3, 0, 0, 0, DateTimeKind.Utc), Assert.IsType<DateTimeColumn>(t["seen"]).Values[1]);
        Assert.Equal([null, null, "fr"], Assert.IsType<StringColumn>(t["country"]).Values.AsEnumerable());
        Assert.Equal(TableFormat.JsonLines, Assert.Single(read.Source.Files).Format);
    }

    [Theory]
    [InlineData("{\"a\": 1}\n[1, 2]\n", "rows.jsonl line 2 is not a JSON object")]
    [InlineData("{\"a\": 1}\n{\"a\": {\"b\": 2}}\n", "line 2, key 'a': a nested object")]
    [InlineData("{\"a\": [1, 2]}\n", "line 1, key 'a': a nested array")]
    [InlineData("{\"a\": 1}\n{\"a\": 1,}\n", "rows.jsonl line 2 is not valid JSON")]
    [InlineData("{\"a\": 1, \"a\": 2}\n", "line 1 has the key 'a' twice")]
    [InlineData("{\"a\": 1} {\"a\": 2}\n", "rows.jsonl line 1 is not valid JSON")]
    [InlineData("{\"\": 1}\n", "line 1 has an empty key")]
    [InlineData("\n\n", "holds no JSON objects")]
    public void MalformedLines_AreRefusedNamingTheLine(string text, string expected)
    {
        var path = _files.Write("rows.jsonl", text);
        Assert.Contains(expected, Assert.Throws<TableReadException>(() => TableReader.Read(path)).Message);
    }

    [Fact]
    public void InvalidUtf8_AndAByteOrderMark_AreHandled()
    {
        var bad = _files.Path("latin1.jsonl");
        File.WriteAllBytes(bad, [.. "{\"a\": \"ok\"}\n{\"a\": \"caf"u8, 0xE9, .. "\"}\n"u8]);
        Assert.Contains("latin1.jsonl line 2 is not valid UTF-8", Assert.Throws<TableReadException>(() => TableReader.Read(bad)).Message);

        var bom = _files.Path("bom.jsonl");
        File.WriteAllBytes(bom, [0xEF, 0xBB, 0xBF, .. "{\"a\": 1}\n{\"a\": 2}"u8]);
        Assert.Equal([1.0, 2.0], Assert.IsType<NumericColumn>(TableReader.Read(bom)["a"]).Values);
    }

    [Fact]
    public void Limits_HoldForKeysFieldsAndLines()
    {
        var wide = _files.Write("wide.jsonl", "{\"a\": 1, \"b\": 2, \"c\": 3}\n");
        Assert.Contains("the key 'c' makes more than 2 columns", Assert.Throws<TableReadException>(() => TableReader.Read(wide, options: new TableReadOptions(MaxColumns: 2))).Message);
        var longField = _files.Write("long.jsonl", $"{{\"a\": \"{new string('x', 100)}\"}}\n");
        Assert.Contains("a value of 100 characters, over the limit of 50",
            Assert.Throws<TableReadException>(() => TableReader.Read(longField, options: new TableReadOptions(MaxFieldChars: 50))).Message);
        var noBreak = _files.Write("one-line.jsonl", "{\"a\": \"" + new string('y', 70_000) + "\"}");
        Assert.Contains("one-line.jsonl line 1 is longer than 65,596 bytes",
            Assert.Throws<TableReadException>(() => TableReader.Read(noBreak, options: new TableReadOptions(MaxFieldChars: 10))).Message);
    }
}
