using System.IO.Compression;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;

namespace Lepton.Data.Tests.Tables;

/// <summary>
/// Excel workbooks as tables: Fixtures/tables/customers.xlsx (written by openpyxl, tools/fixtures/tables_excel.py) read and typed
/// like CSV text, a sheet chosen by name, and hostile workbooks (a zip bomb, a value right of the header, not a workbook) refused.
/// </summary>
public sealed class ExcelTableReaderTests : IDisposable
{
    private readonly TableFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tables", name);

    [Fact]
    public async Task Workbook_FirstSheet_IsReadAndTyped_SkippingEmptyRowsAndEmptyColumns()
    {
        var read = await TableReader.ReadAsync(Fixture("customers.xlsx"));
        var t = read.Table;

        Assert.Equal(["customer_id", "age", "plan", "signup", "last_seen", "active", "spend", "churned"], t.ColumnNames);
        Assert.Equal(4, t.RowCount);
        var age = Assert.IsType<NumericColumn>(t["age"]).Values;
        Assert.Equal([41.0, 35.0], age[..2]);
        Assert.True(double.IsNaN(age[2]));
        Assert.Equal([120.5, 19.99, 0.1, 1e6], Assert.IsType<NumericColumn>(t["spend"]).Values);
        Assert.Equal(new DateTime(2022, 11, 17, 0, 0, 0, DateTimeKind.Utc), Assert.IsType<DateTimeColumn>(t["signup"]).Values[1]);
        var seen = Assert.IsType<DateTimeColumn>(t["last_seen"]).Values;
        Assert.Equal(new DateTime(2024, 3, 4, 23, 59, 59, DateTimeKind.Utc), seen[3]);
        Assert.Null(seen[2]);
        Assert.Equal(new bool?[] { true, false, true, false }, Assert.IsType<BooleanColumn>(t["active"]).Values);
        Assert.Equal(ColumnKind.Boolean, t["churned"].Kind); // yes/no; an import keeps a label's words
        Assert.Equal(TableFormat.Excel, Assert.Single(read.Source.Files).Format);
    }

    [Fact]
    public void ANamedSheet_IsRead_AndAnUnknownOneIsRefusedListingTheSheets()
    {
        var notes = TableReader.Read(Fixture("customers.xlsx"), options: new TableReadOptions(Sheet: "Notes"));
        Assert.Equal(["note", "score"], notes.ColumnNames);
        Assert.Equal([3.0], Assert.IsType<NumericColumn>(notes["score"]).Values);

        var error = Assert.Throws<TableReadException>(() => TableReader.Read(Fixture("customers.xlsx"), options: new TableReadOptions(Sheet: "Sales")));
        Assert.Contains("has no sheet named 'Sales'; its sheets are 'Customers', 'Notes'", error.Message);
    }

    [Fact]
    public void AValueRightOfTheHeader_IsRefusedNamingTheRowAndColumn()
    {
        var error = Assert.Throws<TableReadException>(() => TableReader.Read(Fixture("ragged.xlsx")));
        Assert.Contains("row 3 has a value in column 3, right of the header's last name 'b'", error.Message);
    }

    [Fact]
    public void AZipBomb_IsRefusedFromTheSizesItDeclares_BeforeAnythingIsUnpacked()
    {
        // 64 MB of zeros deflate to about 64 KB: the declared size, not the file size, must meet the limit.
        var path = _files.Path("bomb.xlsx");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var entry = zip.CreateEntry("xl/sharedStrings.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) entry.Write(zeros);
        }
        Assert.True(new FileInfo(path).Length < 1 << 20);

        var error = Assert.Throws<TableReadException>(() => TableReader.Read(path, options: new TableReadOptions(MaxFileBytes: 16 << 20)));

        Assert.Contains("unpacks to 67,108,864 bytes, over the limit of 16,777,216", error.Message);
    }

    [Fact]
    public void NotAWorkbook_IsRefusedWithTheFix_AndAFolderMayNotMixExcelWithCsv()
    {
        var path = _files.Write("fake.xlsx", "name,age\nann,41\n");
        var error = Assert.Throws<TableReadException>(() => TableReader.Read(path));
        Assert.Contains("fake.xlsx is not a readable Excel workbook", error.Message);

        File.Copy(Fixture("customers.xlsx"), _files.Path("mixed/a.xlsx").EnsureFolder());
        _files.Write("mixed/b.csv", "customer_id,age\nc-9,30\n");
        Assert.Contains("mixes Excel and CSV files", Assert.Throws<TableReadException>(() => TableReader.Read(_files.Path("mixed"))).Message);
    }
}

internal static class PathFolders
{
    /// <summary>Creates the folder <paramref name="path"/> goes in and returns the path.</summary>
    public static string EnsureFolder(this string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
