using System.Text;
using System.Text.Json;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton data import|show|inspect|split|clean</c> on table files the test writes, hostile ones included.</summary>
[Collection("cli")]
public sealed class DataTableCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-tables").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    // 200 rows: an id, a number, a category, a date, the label; row 200 repeats row 3 (with its own id).
    private string Csv()
    {
        var sb = new StringBuilder("order_id,amount,region,placed,returned\n");
        for (int i = 1; i <= 199; i++)
            sb.Append($"{5000 + i},{i * 1.25 % 97:0.##},{new[] { "north", "south", "east" }[i % 3]},2024-{1 + i % 12:D2}-{1 + i % 28:D2},{(i % 5 == 0 ? "yes" : "no")}\n");
        sb.Append($"5200,{3 * 1.25 % 97:0.##},north,2024-04-04,no\n");
        var path = Path.Combine(_root, "orders.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [Fact]
    public async Task DataImport_TableCsv_RecordsVersionThenInspectSplitAndClean()
    {
        _ = fx;
        var csv = Csv();
        var (code, stdout, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-orders", "--label-column", "returned", "--json");
        Assert.True(code == 0, err);
        var first = Json(stdout);
        Assert.Equal(("table", 200, 5), (first.GetProperty("kind").GetString(), first.GetProperty("rows").GetInt32(), first.GetProperty("columns").GetInt32()));
        Assert.Equal("identifier", first.GetProperty("schema").GetProperty("columns").GetProperty("order_id").GetString());
        Assert.Equal("classification", first.GetProperty("schema").GetProperty("task").GetString());

        (code, stdout, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-orders", "--label-column", "returned", "--json");
        Assert.True(code == 0, err);
        Assert.Equal((true, 1), (Json(stdout).GetProperty("existing").GetBoolean(), Json(stdout).GetProperty("version").GetInt32()));

        (code, stdout, err) = await CliRun.Invoke("data", "show", "cli-orders");
        Assert.True(code == 0, err);
        Assert.Contains("table data set", stdout);
        Assert.Contains("200 rows x 5 columns", stdout);

        (code, stdout, err) = await CliRun.Invoke("data", "inspect", "cli-orders@1", "--json");
        Assert.True(code == 0, err);
        var kinds = Json(stdout).GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("kind").GetString()).Order().ToList();
        Assert.Equal(["duplicate-rows", "identifier-column"], kinds);

        (code, stdout, err) = await CliRun.Invoke("data", "split", "cli-orders@1", "--test", "0.25", "--stratify", "--json");
        Assert.True(code == 0, err);
        var split = Json(stdout);
        Assert.Equal((2, 50), (split.GetProperty("version").GetInt32(), split.GetProperty("counts").GetProperty("test").GetInt32()));

        // The HTML page: every column's distribution, training and test rows overlaid now that there is a split.
        string page = Path.Combine(Path.GetTempPath(), $"lepton-inspect-{Guid.NewGuid():N}.html");
        try
        {
            (code, stdout, err) = await CliRun.Invoke("data", "inspect", "cli-orders@2", "--html", page);
            Assert.True(code == 0, err);
            Assert.Contains("wrote", stdout);
            string html = File.ReadAllText(page);
            Assert.Contains("<h1>Inspection of cli-orders@2</h1>", html);
            Assert.Contains("distribution (train and test rows)", html);
            Assert.Contains("<h3 id=\"duplicate-rows\">", html);
        }
        finally
        {
            File.Delete(page);
        }

        (code, stdout, err) = await CliRun.Invoke("data", "clean", "cli-orders@2", "--drop", "duplicates", "--json");
        Assert.True(code == 0, err);
        var clean = Json(stdout);
        Assert.Equal((3, 2, 199), (clean.GetProperty("version").GetInt32(), clean.GetProperty("parent_version").GetInt32(), clean.GetProperty("rows").GetInt32()));
        Assert.Equal(200, clean.GetProperty("dropped")[0].GetProperty("row").GetInt32());

        // diff of the split version and its clean: the dropped copy is the one row gone, the split sizes shrink with it.
        (code, stdout, err) = await CliRun.Invoke("data", "diff", "cli-orders@2", "cli-orders@3", "--json");
        Assert.True(code == 0, err);
        var diff = Json(stdout).GetProperty("diff");
        Assert.Equal((199, 1, 0), (diff.GetProperty("unchanged").GetInt32(), diff.GetProperty("removed").GetInt32(), diff.GetProperty("added").GetInt32()));
        Assert.Equal(200, diff.GetProperty("removed_rows")[0].GetInt32());
        (code, stdout, err) = await CliRun.Invoke("data", "diff", "cli-orders@2", "cli-orders@3");
        Assert.True(code == 0, err);
        Assert.Contains("200 -> 199 rows: 199 unchanged, 1 removed", stdout);

        (code, stdout, err) = await CliRun.Invoke("data", "list", "cli-orders");
        Assert.True(code == 0, err);
        Assert.Contains("table", stdout);
    }

    [Fact]
    public async Task DataImport_RaggedTable_FailsNamingTheLineAndRecordsNothing()
    {
        var path = Path.Combine(_root, "bad.csv");
        File.WriteAllText(path, "a,b,y\n1,2,x\n3,4\n");
        var (code, _, err) = await CliRun.Invoke("data", "import", path, "--name", "cli-bad-table", "--label-column", "y");
        Assert.Equal(1, code);
        Assert.Contains("bad.csv line 3 has 2 fields but the header has 3", err);
        (code, var stdout, err) = await CliRun.Invoke("data", "list", "--json");
        Assert.True(code == 0, err);
        Assert.DoesNotContain(Json(stdout).EnumerateArray(), d => d.GetProperty("name").GetString() == "cli-bad-table");
    }

    [Fact]
    public async Task DataImport_JsonLinesAndExcelTables_RecordTableVersions()
    {
        var jsonl = Path.Combine(_root, "orders.jsonl");
        File.WriteAllLines(jsonl, Enumerable.Range(1, 40).Select(i => JsonSerializer.Serialize(new { amount = i * 1.5, region = i % 2 == 0 ? "north" : "south", returned = i % 4 == 0 })));
        var (code, stdout, err) = await CliRun.Invoke("data", "import", jsonl, "--name", "cli-jsonl-table", "--label-column", "returned", "--json");
        Assert.True(code == 0, err);
        var kinds = Json(stdout).GetProperty("schema").GetProperty("columns");
        Assert.Equal(("table", 40), (Json(stdout).GetProperty("kind").GetString(), Json(stdout).GetProperty("rows").GetInt32()));
        Assert.Equal(("numeric", "categorical"), (kinds.GetProperty("amount").GetString(), kinds.GetProperty("region").GetString()));

        var xlsx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tables", "customers.xlsx");
        (code, stdout, err) = await CliRun.Invoke("data", "import", xlsx, "--name", "cli-excel-table", "--label-column", "churned", "--sheet", "Customers", "--json");
        Assert.True(code == 0, err);
        Assert.Equal(4, Json(stdout).GetProperty("rows").GetInt32());
        (code, _, err) = await CliRun.Invoke("data", "import", xlsx, "--name", "cli-excel-table", "--label-column", "churned", "--sheet", "Sales");
        Assert.Equal(1, code);
        Assert.Contains("has no sheet named 'Sales'; its sheets are 'Customers', 'Notes'", err);
    }

    [Fact]
    public async Task DataSplit_TimeColumnOnTable_LatestRowsInTest()
    {
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Csv(), "--name", "cli-orders-time", "--label-column", "returned", "--json");
        Assert.True(code == 0, err);
        (code, stdout, err) = await CliRun.Invoke("data", "split", "cli-orders-time@1", "--test", "0.1", "--time-column", "placed", "--json");
        Assert.True(code == 0, err);
        Assert.InRange(Json(stdout).GetProperty("counts").GetProperty("test").GetInt32(), 20, 30);
    }
}
