using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;
using Parquet;
using Parquet.Schema;

namespace Lepton.Data.Tests.Tables;

/// <summary>Parquet in (files written with Parquet.Net as other tools write them) and the normalized Parquet a version is stored in.</summary>
public sealed class ParquetTableTests : IDisposable
{
    private readonly TableFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static Table Sample() => new(
    [
        new NumericColumn("x", [1.5, double.NaN, -2, 1e-300]),
        new StringColumn("city", ColumnKind.Categorical, ["Paris", null, "Lyon", "Paris"]),
        new StringColumn("note", ColumnKind.Text, ["a b c", "d e f", null, "g h i"]),
        new BooleanColumn("ok", [true, null, false, true]),
        new DateTimeColumn("at", [new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1230), null, DateTime.UnixEpoch, new DateTime(1999, 12, 31, 0, 0, 0, DateTimeKind.Utc)]),
    ], [10, 11, 12, 13]);

    [Fact]
    public async Task WriteRead_NormalizedTableWithSplits_SameValuesKindsRowNumbersAndSplits()
    {
        var table = Sample();
        var splits = new TableSplits(["train", "test", "train", "validation"], [0, null, 1, 0]);
        var bytes = await TableStorage.WriteAsync(table, splits);
        var schema = TableSchema.Empty.WithColumnsOf(table);
        var (back, backSplits) = await TableStorage.ReadAsync(bytes, schema);
        Assert.Equal(table.RowNumbers, back.RowNumbers);
        foreach (var c in table.Columns)
        {
            Assert.Equal(c.Kind, back[c.Name].Kind);
            for (int r = 0; r < table.RowCount; r++) Assert.Equal(c.Format(r), back[c.Name].Format(r));
        }
        Assert.Equal(splits.Split, backSplits!.Split);
        Assert.Equal(splits.Fold, backSplits.Fold);
        Assert.Equal(TableDigest.Compute(table, splits), TableDigest.Compute(back, backSplits));
    }

    [Fact]
    public void Digest_ChangedValueOrSplit_Differs()
    {
        var a = Sample();
        var b = new Table([.. a.Columns.Select(c => c.Name == "x" ? new NumericColumn("x", [1.5, double.NaN, -2, 2e-300]) : c)], a.RowNumbers);
        Assert.NotEqual(TableDigest.Compute(a), TableDigest.Compute(b));
        Assert.Equal(TableDigest.Compute(a), TableDigest.Compute(Sample()));
        Assert.NotEqual(TableDigest.Compute(a), TableDigest.Compute(a, new TableSplits(["train", "train", "train", "test"], new int?[4])));
    }

    [Fact]
    public async Task Read_ParquetFromOtherTools_TypesMapToKinds()
    {
        var path = _files.Path("in.parquet");
        var id = new DataField<long>("id");
        var price = new DataField<float?>("price");
        var name = new DataField<string>("name", nullable: true);
        var flag = new DataField<bool>("flag");
        var day = new DataField<DateTime?>("day");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, price, name, flag, day), stream))
        {
            int n = 25;
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(id, Enumerable.Range(0, n).Select(i => (long)i + 1).ToArray().AsMemory());
            await group.WriteAsync<float>(price, Enumerable.Range(0, n).Select(i => i == 3 ? null : (float?)(i * 0.5f)).ToArray().AsMemory());
            await group.WriteAsync(name, Enumerable.Range(0, n).Select(i => i == 4 ? null : (string?)(i % 2 == 0 ? "even" : "odd")).ToArray());
            await group.WriteAsync<bool>(flag, Enumerable.Range(0, n).Select(i => i % 3 == 0).ToArray().AsMemory());
            await group.WriteAsync<DateTime>(day, Enumerable.Range(0, n).Select(i => (DateTime?)new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(i)).ToArray().AsMemory());
            group.CompleteValidate();
        }
        var t = TableReader.Read(path);
        Assert.Equal(25, t.RowCount);
        Assert.Equal(ColumnKind.Identifier, t["id"].Kind);
        Assert.Equal("25", t["id"].Format(24));
        var p = Assert.IsType<NumericColumn>(t["price"]);
        Assert.True(double.IsNaN(p.Values[3]));
        Assert.Equal(2.5, p.Values[5]);
        Assert.Equal(ColumnKind.Categorical, t["name"].Kind);
        Assert.Null(t["name"].Format(4));
        Assert.Equal([true, false, false, true], ((BooleanColumn)t["flag"]).Values.Take(4).Select(b => b!.Value));
        Assert.Equal(new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc), ((DateTimeColumn)t["day"]).Values[2]);
    }

    [Fact]
    public void Read_NotParquet_RefusedNamingTheFile()
    {
        var path = _files.Write("fake.parquet", "PAR1 this is not parquet at all PAR1");
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path));
        Assert.Contains("fake.parquet is not a readable Parquet file", e.Message);
    }

    [Fact]
    public async Task Read_ParquetWithReservedColumnName_Refused()
    {
        var bytes = await TableStorage.WriteAsync(Sample());
        var path = _files.Path("stored.parquet");
        await File.WriteAllBytesAsync(path, bytes);
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path));
        Assert.Contains("'_lepton_row' starts with '_lepton_'", e.Message);
    }

    [Fact]
    public async Task Read_ParquetOverTheCellLimit_RefusedFromTheFooter()
    {
        var path = _files.Path("cells.parquet");
        var a = new DataField<double>("a");
        var b = new DataField<double>("b");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(a, b), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(a, new double[10].AsMemory());
            await group.WriteAsync<double>(b, new double[10].AsMemory());
            group.CompleteValidate();
        }
        Assert.Equal(10, TableReader.Read(path).RowCount);
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path, options: new TableReadOptions(MaxCells: 5)));
        Assert.Contains("over the limit of 5 cells", e.Message);
    }

    private static async Task WritePlainAsync(string path, double[] x, string?[] s)
    {
        var fx = new DataField<double>("x");
        var fs = new DataField<string>("s", nullable: true);
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fx, fs), stream);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<double>(fx, x.AsMemory());
        await group.WriteAsync(fs, s);
        group.CompleteValidate();
    }

    [Fact]
    public async Task Read_FolderOfParquetFiles_ConcatenatedWithRowsNamedPerFile()
    {
        await WritePlainAsync(_files.Path("a.parquet"), [1, 2], ["p", "q"]);
        await WritePlainAsync(_files.Path("b.parquet"), [3], ["NA"]);
        var read = await TableReader.ReadAsync(_files.Root);
        Assert.Equal([1.0, 2.0, 3.0], ((NumericColumn)read.Table["x"]).Values);
        Assert.Null(read.Table["s"].Format(2));
        Assert.Equal(["a.parquet", "b.parquet"], read.Source.Files.Select(f => f.Name));
    }

    [Fact]
    public async Task Read_ParquetStringOverTheFieldLimit_RefusedNamingRowAndColumn()
    {
        var path = _files.Path("long.parquet");
        await WritePlainAsync(path, [1, 2], ["short", new string('z', 100)]);
        var e = await Assert.ThrowsAsync<TableReadException>(() => TableReader.ReadAsync(path, options: new TableReadOptions(MaxFieldChars: 50)));
        Assert.Contains("long.parquet row 2, column 's': a value of 100 characters, over the limit of 50", e.Message);
    }

    [Fact]
    public async Task Read_FolderMixingCsvAndParquet_Refused()
    {
        await WritePlainAsync(_files.Path("a.parquet"), [1], ["p"]);
        _files.Write("b.csv", "x,s\n2,q\n");
        var e = await Assert.ThrowsAsync<TableReadException>(() => TableReader.ReadAsync(_files.Root));
        Assert.Contains("mixes Parquet and CSV files", e.Message);
    }
}
