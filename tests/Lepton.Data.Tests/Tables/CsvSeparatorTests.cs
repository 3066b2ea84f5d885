using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tests.Tables;

/// <summary>CSV as spreadsheets in many locales save it: ';'-separated with decimal commas, the separator read from the header.</summary>
public sealed class CsvSeparatorTests : IDisposable
{
    private readonly TableFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("a,b,c\n1,2,3", ',')]
    [InlineData("a;b;c\n1,5;2;3", ';')]
    [InlineData("a\tb\n1\t2", '\t')]
    [InlineData("a|b\n1|2", '|')]
    [InlineData("\"x,y,z\";b\n1;2", ';')] // separators inside a quoted name do not count
    [InlineData("\"line\none,two,three\";b;c\n1;2;3", ';')] // nor do those after a newline inside quotes
    [InlineData("only\n1\n2", ',')]
    public void Sniff_PicksTheSeparatorTheHeaderUsesMost(string text, char expected) =>
        Assert.Equal(expected, CsvSeparator.Sniff(text));

    [Theory]
    [InlineData("3,5", 3.5)]
    [InlineData("-1.234,5", -1234.5)]
    [InlineData("0,001", 0.001)]
    [InlineData("1e3,5", double.NaN)]
    public void DecimalComma_ReadsOneCommaAsTheDecimalMark(string text, double expected)
    {
        bool ok = TableValues.TryParseDecimalComma(text, out double v);
        Assert.Equal(!double.IsNaN(expected), ok);
        if (ok) Assert.Equal(expected, v, 12);
    }

    [Theory]
    [InlineData("1,2,3")]
    [InlineData("12")]
    [InlineData("abc")]
    [InlineData(",")]
    public void DecimalComma_RefusesWhatIsNotOneNumber(string text) =>
        Assert.False(TableValues.TryParseDecimalComma(text, out _));

    [Theory]
    [InlineData("1,234", 1234.0)]
    [InlineData("-12,345,678.9", -12345678.9)]
    [InlineData("999,000", 999000.0)]
    public void GroupedThousands_ReadsCommasBetweenGroupsOfThree(string text, double expected)
    {
        Assert.True(TableValues.TryParseGroupedThousands(text, out double v));
        Assert.Equal(expected, v, 9);
    }

    [Theory]
    [InlineData("1,2")]
    [InlineData("12,34")]
    [InlineData("1,2345")]
    [InlineData("1234,567")]
    [InlineData(",123")]
    [InlineData("1,234,")]
    [InlineData("1,234.5.6")]
    [InlineData("1234")]
    public void GroupedThousands_RefusesOtherCommas(string text) =>
        Assert.False(TableValues.TryParseGroupedThousands(text, out _));

    [Fact]
    public void CommaFile_ReadsQuotedGroupedThousands_AsNumbers()
    {
        var path = _files.Write("report.csv", "region,revenue\nnorth,\"1,234.50\"\nsouth,99\neast,\"12,000\"\n");
        Assert.Equal([1234.5, 99.0, 12000.0], Assert.IsType<NumericColumn>(TableReader.Read(path)["revenue"]).Values);
    }

    [Fact]
    public void SemicolonFile_ReadsDecimalCommas_AndQuotedSeparators_WithoutBeingTold()
    {
        var path = _files.Write("kunden.csv", "\uFEFFalter;einkommen;kommentar\n41;2.500,75;\"sehr; gut\"\n35;1800,5;\"zeile\nzwei\"\n29;NA;gut\n");

        var t = TableReader.Read(path);

        Assert.Equal([41.0, 35.0, 29.0], Assert.IsType<NumericColumn>(t["alter"]).Values);
        var income = Assert.IsType<NumericColumn>(t["einkommen"]).Values;
        Assert.Equal([2500.75, 1800.5], income[..2]);
        Assert.True(double.IsNaN(income[2]));
        Assert.Equal(["sehr; gut", "zeile\nzwei", "gut"], Assert.IsType<StringColumn>(t["kommentar"]).Values.AsEnumerable());
    }

    [Fact]
    public void CommaFile_KeepsQuotedDecimalCommasAsText_AndAGivenSeparatorWins()
    {
        var comma = _files.Write("c.csv", "a,b\n\"3,5\",x\n\"4,5\",y\n");
        Assert.Equal(ColumnKind.Categorical, TableReader.Read(comma)["a"].Kind);

        // A header with more commas than pipes, rows separated by pipes: only the caller knows.
        var piped = _files.Write("p.csv", "a,1|b,2\n1|2\n3|4\n");
        var t = TableReader.Read(piped, options: new TableReadOptions(Separator: '|'));
        Assert.Equal([2.0, 4.0], Assert.IsType<NumericColumn>(t["b,2"]).Values);
        Assert.Contains("cannot be 'x'", Assert.Throws<ArgumentException>(() => new TableReadOptions(Separator: 'x').Validate()).Message);
    }
}
