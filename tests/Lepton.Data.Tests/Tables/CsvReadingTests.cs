using System.Text;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;

namespace Lepton.Data.Tests.Tables;

/// <summary>Reading CSV/TSV files and folders with Sep: values, quoting, missing words, and hostile input refused with file, line and column.</summary>
public sealed class CsvReadingTests : IDisposable
{
    private readonly TableFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Read_CsvWithQuotesAndMissingWords_TypedColumnsWithMissingValues()
    {
        var path = _files.Write("people.csv",
            "name,age,member,joined,city\n" +
            "\"Smith, Ann\",34,yes,2024-01-05,Paris\n" +
            "Bob,NA,no,2023-12-31T08:30:00Z,\"Lyon\"\n" +
            "\"Say \"\"hi\"\"\",41.5,,null,Paris\n");
        var t = TableReader.Read(path);
        Assert.Equal(3, t.RowCount);
        Assert.Equal([1, 2, 3], t.RowNumbers);
        var age = Assert.IsType<NumericColumn>(t["age"]);
        Assert.Equal(34, age.Values[0]);
        Assert.True(double.IsNaN(age.Values[1]));
        Assert.Equal(41.5, age.Values[2]);
        Assert.Equal(new bool?[] { true, false, null }, Assert.IsType<BooleanColumn>(t["member"]).Values);
        var joined = Assert.IsType<DateTimeColumn>(t["joined"]);
        Assert.Equal(new DateTime(2023, 12, 31, 8, 30, 0, DateTimeKind.Utc), joined.Values[1]);
        Assert.Null(joined.Values[2]);
        Assert.Equal(["Smith, Ann", "Bob", "Say \"hi\""], Assert.IsType<StringColumn>(t["name"]).Values.AsEnumerable());
        Assert.Equal(ColumnKind.Categorical, t["city"].Kind);
    }

    [Fact]
    public void Read_TsvFile_SplitsOnTabs()
    {
        var path = _files.Write("x.tsv", "a\tb\n1\thello, world\n2\tbye\n");
        var t = TableReader.Read(path);
        Assert.Equal(["hello, world", "bye"], ((StringColumn)t["b"]).Values.AsEnumerable());
        Assert.Equal([1.0, 2.0], ((NumericColumn)t["a"]).Values);
    }

    [Fact]
    public async Task Read_FolderOfCsvFiles_ConcatenatesInPathOrderAndSkipsOtherFiles()
    {
        _files.Write("parts/b.csv", "x,y\n3,c\n");
        _files.Write("parts/a.csv", "x,y\n1,a\n2,b\n");
        _files.Write("parts/notes.txt", "not a table");
        var read = await TableReader.ReadAsync(_files.Path("parts"));
        Assert.Equal([1.0, 2.0, 3.0], ((NumericColumn)read.Table["x"]).Values);
        Assert.Equal(["a.csv", "b.csv"], read.Source.Files.Select(f => f.Name));
        Assert.Contains(read.Source.Skipped, s => s.StartsWith("notes.txt", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_FolderWithDifferentHeaders_RefusedNamingTheFile()
    {
        _files.Write("parts/a.csv", "x,y\n1,a\n");
        _files.Write("parts/b.csv", "x,z\n1,a\n");
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(_files.Path("parts")));
        Assert.Contains("b.csv", e.Message);
        Assert.Contains("missing: y", e.Message);
    }

    [Fact]
    public void Read_FieldOf10MB_RefusedNamingLineAndColumn()
    {
        var sb = new StringBuilder("id,note\n1,short\n2,");
        sb.Append('x', 10 * 1024 * 1024).Append('\n');
        var path = _files.Write("big.csv", sb.ToString());
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path));
        Assert.Contains("big.csv line 3", e.Message);
        Assert.Contains("column 'note'", e.Message);
        Assert.Contains("over the limit of 1,048,576", e.Message);
    }

    [Fact]
    public void Read_RowWith100000Columns_RefusedNamingTheLine()
    {
        var path = _files.Write("wide.csv", "a,b\n1,2\n" + string.Join(",", Enumerable.Repeat("7", 100_000)) + "\n");
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path));
        Assert.Contains("wide.csv line 3 has 100,000 columns, over the limit of 10,000", e.Message);
    }

    [Fact]
    public void Read_HeaderWith100000Columns_Refused()
    {
        var path = _files.Write("wide.csv", string.Join(",", Enumerable.Range(0, 100_000).Select(i => $"c{i}")) + "\n");
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path));
        Assert.Contains("the header has 100,000 columns", e.Message);
    }

    [Fact]
    public void Read_RaggedRow_RefusedNamingLineAndCounts()
    {
        var path = _files.Write("ragged.csv", "a,b,c\n1,2,3\n4,5\n");
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path));
        Assert.Contains("ragged.csv line 3 has 2 fields but the header has 3", e.Message);
    }

    [Fact]
    public void Read_InvalidUtf8_RefusedNamingTheLine()
    {
        var path = _files.Path("latin1.csv");
        var bytes = new List<byte>(Encoding.UTF8.GetBytes("name,n\nok,1\n"));
        bytes.AddRange([(byte)'C', 0xE9, (byte)'a', (byte)',', (byte)'2', (byte)'\n']); // "Céa" in Latin-1
        File.WriteAllBytes(path, [.. bytes]);
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path));
        Assert.Contains("latin1.csv line 3 is not valid UTF-8", e.Message);
        Assert.Contains("--encoding windows-1252", e.Message);
    }

    [Fact]
    public void Read_NamedEncoding_ReadsASpreadsheetsWindowsCsv_IdentifierAndNumbersToo()
    {
        // Excel's "CSV" on a German Windows: windows-1252, ';' and decimal commas; the id column is read a second time as text.
        var path = _files.Path("kunden.csv");
        var text = "Kunde;Größe;Stadt\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"K{i};{i},5;{(i % 2 == 0 ? "München" : "Köln")}\n"));
        File.WriteAllBytes(path, CodePages().GetBytes(text));
        var table = TableReader.Read(path, options: new TableReadOptions(Encoding: "windows-1252"));
        Assert.Equal(["Kunde", "Größe", "Stadt"], table.ColumnNames);
        Assert.Equal("München", table["Stadt"].Format(0));
        Assert.Equal(ColumnKind.Identifier, table["Kunde"].Kind);
        Assert.Equal(3.5, ((NumericColumn)table["Größe"]).Values[3]);
    }

    [Fact]
    public void Read_UnknownEncodingName_RefusedListingCommonOnes()
    {
        var path = _files.Write("t.csv", "a\n1\n");
        var e = Assert.Throws<ArgumentException>(() => TableReader.Read(path, options: new TableReadOptions(Encoding: "klingon")));
        Assert.Equal($"'klingon' is not a character encoding this machine knows; use one of {CsvEncoding.Examples}.", e.Message);
    }

    private static Encoding CodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }

    [Fact]
    public void Read_FileOverTheSizeLimit_RefusedBeforeReading()
    {
        var path = _files.Write("t.csv", "a\n" + string.Join("\n", Enumerable.Range(0, 1000)) + "\n");
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path, options: new TableReadOptions(MaxFileBytes: 100)));
        Assert.Contains("over the limit of 100", e.Message);
    }

    [Fact]
    public void Read_MoreRowsThanTheLimit_Refused()
    {
        var path = _files.Write("t.csv", "a\n" + string.Join("\n", Enumerable.Range(0, 50)) + "\n");
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path, options: new TableReadOptions(MaxRows: 10)));
        Assert.Contains("more than 10 rows", e.Message);
    }

    [Fact]
    public async Task Read_LinkOutOfTheFolder_NotFollowed()
    {
        var outside = _files.Write("secret.csv", "x,y\n9,secret\n");
        _files.Write("data/a.csv", "x,y\n1,a\n");
        File.CreateSymbolicLink(_files.Path("data/b.csv"), outside);
        var read = await TableReader.ReadAsync(_files.Path("data"));
        Assert.Equal(1, read.Table.RowCount);
        Assert.Contains(read.Source.Skipped, s => s.Contains("outside the folder (not followed)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("a,a\n1,2\n", "two columns are named 'a'")]
    [InlineData("a,,c\n1,2,3\n", "header column 2 has no name")]
    [InlineData("", "is empty")]
    [InlineData("a,b\n", "no data rows")]
    [InlineData("a,_lepton_row\n1,2\n", "reserves")]
    public void Read_BadHeader_RefusedWithTheReason(string text, string expected)
    {
        var path = _files.Write("h.csv", text);
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_BlankLinesAndCrLf_SkippedAndRead()
    {
        var path = _files.Write("crlf.csv", "a,b\r\n1,x\r\n\r\n2,y\r\n");
        var t = TableReader.Read(path);
        Assert.Equal([1.0, 2.0], ((NumericColumn)t["a"]).Values);
        Assert.Equal(["x", "y"], ((StringColumn)t["b"]).Values.AsEnumerable());
    }

    [Fact]
    public void Read_NotATableFile_RefusedWithTheFix()
    {
        var path = _files.Write("x.json", "{}");
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path));
        Assert.Contains("give a .csv, .tsv, .parquet, .xlsx or .jsonl file", e.Message);
    }

    [Fact]
    public void Read_ByteOrderMarkAndQuotedLineBreak_NamesCleanAndLinesCounted()
    {
        var path = _files.Path("bom.csv");
        File.WriteAllBytes(path, [.. new byte[] { 0xEF, 0xBB, 0xBF }, .. Encoding.UTF8.GetBytes("a,b\n1,\"two\nlines\"\nx,z\n")]);
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path, new Lepton.Data.Tables.Schema.TableSchema([new("a", ColumnKind.Numeric)])));
        Assert.Contains("bom.csv line 4 (row 2), column 'a': 'x' is not a number", e.Message);
        var t = TableReader.Read(path);
        Assert.Equal(["a", "b"], t.ColumnNames);
        Assert.Equal("two\nlines", t["b"].Format(0));
    }

    [Fact]
    public void Read_BlankField_Missing()
    {
        var t = TableReader.Read(_files.Write("blank.csv", "a,b\n1,   \n2,x\n"));
        Assert.Null(t["b"].Format(0));
    }

    [Fact]
    public void Read_FolderWithMoreFilesThanTheLimit_RefusedBeforeReading()
    {
        for (int i = 0; i < 30; i++) _files.Write($"many/{i:D2}.txt", "x");
        _files.Write("many/a.csv", "x\n1\n");
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(_files.Path("many"), options: new TableReadOptions(MaxFiles: 20)));
        Assert.Contains("more than 20 files", e.Message);
    }
}
