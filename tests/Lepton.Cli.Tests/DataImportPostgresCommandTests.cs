using System.Text.Json;
using Lepton.Registry.Tests.Store;
using Npgsql;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton data import postgres://... --query</c> on a throw-away server: the query's rows recorded as a table version that
/// trains like any other and whose model scores the rows of another query into a CSV; a database without a query (or a query
/// without a database) refused with the form to use, and a password never shown.
/// </summary>
[Collection("cli")]
public sealed class DataImportPostgresCommandTests(TrainedModelFixture fx) : IAsyncLifetime
{
    private readonly PostgresCluster _cluster = new();

    private string Url => $"postgres://postgres@127.0.0.1:{_cluster.Port}/postgres";

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        await using var connection = new NpgsqlConnection(_cluster.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            CREATE TABLE orders (id int8 PRIMARY KEY, amount numeric(10,2), items int4, express bool, placed timestamp, region text, returned text);
            INSERT INTO orders
            SELECT i, round((10 + (i % 13) * 7.5)::numeric, 2), 1 + i % 5, i % 3 = 0, timestamp '2025-01-01' + i * interval '3 hours',
                   (ARRAY['north', 'south', 'east'])[1 + i % 3], CASE WHEN (i % 13) * 7.5 + (i % 3) * 20 > 70 THEN 'yes' ELSE 'no' END
            FROM generate_series(1, 400) AS i;
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, "\\s+", " ");

    [Fact]
    public async Task AQuerysRows_BecomeATableVersion_ThatTrains()
    {
        _ = fx;
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Url, "--query", "SELECT * FROM orders WHERE id <= 300 ORDER BY id",
            "--name", "cli-pg-orders", "--label-column", "returned", "--time-column", "placed", "--json");
        Assert.True(code == 0, err + stdout);
        var o = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal((300, 7), (o.GetProperty("rows").GetInt32(), o.GetProperty("columns").GetInt32()));
        var kinds = o.GetProperty("schema").GetProperty("columns").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetString());
        Assert.Equal(("numeric", "boolean", "datetime", "categorical"), (kinds["amount"], kinds["express"], kinds["placed"], kinds["region"]));
        (code, stdout, err) = await CliRun.Invoke("data", "import", Url, "--query", "SELECT * FROM orders WHERE id <= 300 ORDER BY id",
            "--name", "cli-pg-orders", "--label-column", "returned", "--time-column", "placed");
        Assert.True(code == 0, err + stdout);
        Assert.Contains("already holds exactly this table", Flat(stdout));
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-pg-orders@1", "--test", "0.25", "--json");
        Assert.True(code == 0, err);
        string model = Path.Combine(fx.Root, "pg-orders");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-pg-orders@2", "--model", "gbdt", "--out", model, "--json");
        Assert.True(code == 0, err + stdout);
        Assert.InRange(JsonDocument.Parse(stdout).RootElement.GetProperty("metrics").GetProperty("test_accuracy").GetDouble(), 0.8, 1.0);

        // The rows it has not seen, scored straight from the database into a CSV: every column of the query, then the answer.
        string scored = Path.Combine(fx.Root, "pg-scored.csv");
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", model, "--input", Url, "--query", "SELECT * FROM orders WHERE id > 300 ORDER BY id", "--output", scored);
        Assert.True(code == 0, err + stdout);
        var lines = File.ReadAllLines(scored);
        Assert.Equal(101, lines.Length);
        Assert.StartsWith("id,amount,items,express,placed,region,returned,prediction", lines[0]);
        Assert.StartsWith("301,", lines[1]);
        int right = lines.Skip(1).Select(l => l.Split(',')).Count(c => c[6] == c[7]);
        Assert.True(right >= 80, $"{right} of 100 answered as returned");
        // And back into the database, as a new table in one transaction: typed columns, then the answers.
        string[] back = ["predict", "--model", model, "--input", Url, "--query", "SELECT * FROM orders WHERE id > 300", "--output", Url, "--table", "scores"];
        (code, stdout, err) = await CliRun.Invoke(back);
        Assert.True(code == 0, err + stdout);
        await using (var connection = new NpgsqlConnection(_cluster.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*), count(*) FILTER (WHERE prediction = returned) FROM scores", connection);
            await using (var reader = await count.ExecuteReaderAsync())
            {
                Assert.True(await reader.ReadAsync());
                Assert.Equal(100L, reader.GetInt64(0));
                Assert.Equal(right, (int)reader.GetInt64(1));
            }
            await using var types = new NpgsqlCommand(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'scores' ORDER BY ordinal_position", connection);
            var declared = new List<string>();
            await using (var reader = await types.ExecuteReaderAsync())
                while (await reader.ReadAsync()) declared.Add($"{reader.GetString(0)} {reader.GetString(1)}");
            // The id comes back as the text a scored file gives it (the model does not read it); the counts as whole numbers.
            Assert.Equal(["id text", "amount double precision", "items bigint", "express boolean", "placed timestamp with time zone", "region text",
                "returned text", "prediction text", "probability double precision"], declared);
        }
        await CliRun.Refused("already has a table scores; name another with --table, give --append to add the rows to it, or --replace", back);
        (code, stdout, err) = await CliRun.Invoke([.. back, "--replace"]);
        Assert.True(code == 0, err + stdout);
        await AppendsAsync(back, right);
        await CliRun.Refused("--table 'scores; DROP TABLE orders' is not a table name", [.. back[..^1], "scores; DROP TABLE orders"]);
        await CliRun.Refused("is a database: name the new table for the scored rows with --table NAME", [.. back[..^2]]);
        await CliRun.Refused("is a database: give the rows to score with --query", "predict", "--model", model, "--input", Url);
        await CliRun.Refused("--query scores the rows of a PostgreSQL query: give the database's URL as --input",
            "predict", "--model", model, "--input", scored, "--query", "SELECT 1");
    }

    // Nightly scoring into the table a team keeps: its own types (the id a bigint, the probability a real), a column the rows do not
    // have left to its default, every run adding its rows; a table without a column of the rows, a column that cannot hold their
    // values and a missing table refused, and nothing written by a refused run.
    private async Task AppendsAsync(string[] back, int right)
    {
        await using var connection = new NpgsqlConnection(_cluster.ConnectionString());
        await connection.OpenAsync();
        async Task<List<object>> RowAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            return [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue)];
        }
        await RowAsync("""
            CREATE TABLE history (id bigint, amount numeric(10,2), items integer, express boolean, placed timestamp, region varchar(10), returned text,
                                  prediction text, probability real, batch text DEFAULT 'nightly');
            CREATE TABLE narrow (id bigint, prediction text);
            CREATE TABLE wrong (id bigint, amount numeric(10,2), items integer, express boolean, placed timestamp, region integer, returned text,
                                prediction text, probability real);
            SELECT 1
            """);
        string[] history = [.. back[..^1], "history", "--append"];
        var (code, stdout, err) = await CliRun.Invoke(history);
        Assert.True(code == 0, err + stdout);
        Assert.Contains("appended 100 rows with their predictions to table history", Flat(stdout));
        (code, stdout, err) = await CliRun.Invoke(history);
        Assert.True(code == 0, err + stdout);
        var kept = await RowAsync("""
            SELECT count(*), sum(id), count(*) FILTER (WHERE prediction = returned), count(*) FILTER (WHERE batch = 'nightly'),
                   min(placed), sum(amount), min(probability) >= 0 AND max(probability) <= 1
            FROM history
            """);
        var orders = await RowAsync("SELECT 2 * sum(amount), min(placed) FROM orders WHERE id > 300");
        Assert.Equal<object>([200L, 2 * Enumerable.Range(301, 100).Sum(i => (decimal)i), (long)(2 * right), 200L], kept.Take(4));
        Assert.Equal(orders[1], kept[4]); // a timestamp without time zone keeps the wall time the query gave
        Assert.Equal(orders[0], kept[5]);
        Assert.Equal(true, kept[6]);

        await CliRun.Refused("has no column 'amount', which the scored rows have; add it (ALTER TABLE \"narrow\" ADD COLUMN \"amount\" ...)", [.. back[..^1], "narrow", "--append"]);
        await CliRun.Refused("Row 1's 'region' is", [.. back[..^1], "wrong", "--append"]);
        await CliRun.Refused("which is not a number: the integer column 'region' of wrong cannot hold it (nothing was written)", [.. back[..^1], "wrong", "--append"]);
        Assert.Equal<object>([0L, 0L], await RowAsync("SELECT (SELECT count(*) FROM narrow), (SELECT count(*) FROM wrong)"));
        await CliRun.Refused("has no table nowhere to append to; leave out --append to create it", [.. back[..^1], "nowhere", "--append"]);
        await CliRun.Refused("--replace drops the table and --append adds to it: give one of them", [.. history, "--replace"]);
        await CliRun.Refused("--append says what to do with the database table the scored rows go into: name it with --table NAME", [.. back[..^2], "--append"]);
        Assert.Equal(200L, (await RowAsync("SELECT count(*) FROM history"))[0]);
    }

    [Fact]
    public async Task ADatabaseWithoutAQuery_AQueryWithoutADatabase_AndAWrongPassword_AreRefused()
    {
        _ = fx;
        await CliRun.Refused("is a database: give the rows to import with --query", "data", "import", "postgres://postgres:hunter2@127.0.0.1:1/shop", "--name", "cli-pg-x", "--label-column", "returned");
        await CliRun.Refused("--query reads a PostgreSQL database: give its URL as the path", "data", "import", Path.Combine(fx.Root, "none.csv"), "--query", "SELECT 1", "--name", "cli-pg-x", "--label-column", "returned");
        var (code, stdout, err) = await CliRun.Invoke("data", "import", $"postgres://nobody:hunter2@127.0.0.1:{_cluster.Port}/postgres", "--query", "SELECT * FROM orders",
            "--name", "cli-pg-x", "--label-column", "returned");
        Assert.NotEqual(0, code);
        Assert.DoesNotContain("hunter2", err + stdout);
        Assert.Contains($"postgres://nobody@127.0.0.1:{_cluster.Port}/postgres", Flat(err));
    }
}
