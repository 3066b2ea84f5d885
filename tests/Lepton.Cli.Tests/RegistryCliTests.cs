using System.Text.Json;

namespace Lepton.Cli.Tests;

/// <summary>The registry verbs end to end on the SQLite store under the fixture's LEPTON_HOME.</summary>
[Collection("cli")]
public sealed class RegistryCliTests(TrainedModelFixture fx)
{
    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    [Fact]
    public async Task TrainRecordsTheRunAndDatasetAndRegistersTheModel()
    {
        Assert.True(fx.TrainResult.Code == 0, fx.TrainResult.Err);
        var (code, stdout, err) = await CliRun.Invoke("models", "show", "synthetic@1", "--json");
        Assert.True(code == 0, err);
        var v = Json(stdout).GetProperty("version");
        string runId = v.GetProperty("run_id").GetString()!;
        Assert.StartsWith("fashion-mnist@", v.GetProperty("dataset_ref").GetString());

        (code, stdout, err) = await CliRun.Invoke("runs", "show", runId, "--json");
        Assert.True(code == 0, err);
        var run = Json(stdout);
        Assert.Equal("completed", run.GetProperty("run").GetProperty("status").GetString());
        var metrics = run.GetProperty("metrics").EnumerateArray().ToList();
        Assert.Contains(metrics, m => m.GetProperty("key").GetString() == "val_accuracy" && m.GetProperty("step").GetInt32() == 3);
        Assert.Contains(metrics, m => m.GetProperty("key").GetString() == "test_accuracy");

        (code, stdout, err) = await CliRun.Invoke("data", "list", "--json");
        Assert.True(code == 0, err);
        Assert.Contains(Json(stdout).EnumerateArray(), d => d.GetProperty("name").GetString() == "fashion-mnist");
    }

    [Fact]
    public async Task PromoteRollbackAndPredictByAlias()
    {
        var (code, _, err) = await CliRun.Invoke("models", "register", "aliased", "--from", fx.ModelDir);
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("models", "register", "aliased", "--from", fx.ModelDir);
        Assert.True(code == 0, err);
        Assert.Equal(0, (await CliRun.Invoke("models", "promote", "aliased@1")).Code);
        Assert.Equal(0, (await CliRun.Invoke("models", "promote", "aliased@2")).Code);
        var (c2, stdout, e2) = await CliRun.Invoke("models", "rollback", "aliased", "--json");
        Assert.True(c2 == 0, e2);
        Assert.Equal(1, Json(stdout).GetProperty("version").GetInt32());

        (code, stdout, err) = await CliRun.Invoke("predict", "--model", "aliased@production", "--input", Path.Combine(fx.DataDir, "t10k-images-idx3-ubyte.gz"), "--json");
        Assert.True(code == 0, err);
        Assert.True(Json(stdout).GetArrayLength() > 0);

        (code, stdout, _) = await CliRun.Invoke("models", "list", "--json");
        Assert.Contains(Json(stdout).EnumerateArray(), m => m.GetProperty("name").GetString() == "aliased" && m.GetProperty("latest_version").GetInt32() == 2);
    }

    [Fact]
    public async Task ExportAndImportMoveAModelBetweenStores()
    {
        var archive = Path.Combine(fx.Root, "synthetic.lepton.zip");
        var (code, _, err) = await CliRun.Invoke("models", "export", "synthetic", "--out", archive);
        Assert.True(code == 0, err);
        var other = "sqlite:" + Path.Combine(fx.Root, "other", "registry.db");
        (code, var stdout, err) = await CliRun.Invoke("models", "import", archive, "--store", other, "--json");
        Assert.True(code == 0, err);
        Assert.Equal(1, Json(stdout).GetProperty("versions_imported").GetInt32());
        (code, stdout, err) = await CliRun.Invoke("models", "show", "synthetic@1", "--store", other, "--json");
        Assert.True(code == 0, err);
        var (_, original, _) = await CliRun.Invoke("models", "show", "synthetic@1", "--json");
        Assert.Equal(Json(original).GetProperty("version").GetProperty("artifact_hash").GetString(),
            Json(stdout).GetProperty("version").GetProperty("artifact_hash").GetString());
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a;b")]
    [InlineData("%2e%2e")]
    public async Task HostileNamesAreRejected(string name)
    {
        var (code, _, err) = await CliRun.Invoke("models", "register", name, "--from", fx.ModelDir);
        Assert.NotEqual(0, code);
        Assert.Contains("name", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public async Task KeysAreCreatedListedAndRevoked()
    {
        var (code, stdout, err) = await CliRun.Invoke("keys", "create", "--name", "ci", "--scopes", "predict,feedback", "--expires", "30d", "--json");
        Assert.True(code == 0, err);
        var key = Json(stdout);
        string id = key.GetProperty("id").ToString();
        Assert.StartsWith("lk_", key.GetProperty("secret").GetString());

        (code, stdout, _) = await CliRun.Invoke("keys", "list", "--json");
        Assert.Equal(0, code);
        Assert.DoesNotContain(key.GetProperty("secret").GetString()!, stdout);
        Assert.Contains(Json(stdout).EnumerateArray(), k => k.GetProperty("id").ToString() == id && k.GetProperty("scopes").GetString() == "predict,feedback");

        Assert.Equal(0, (await CliRun.Invoke("keys", "revoke", id)).Code);
        (_, stdout, _) = await CliRun.Invoke("keys", "list", "--json");
        Assert.Contains(Json(stdout).EnumerateArray(), k => k.GetProperty("id").ToString() == id && k.GetProperty("revoked_at").ValueKind != JsonValueKind.Null);

        (code, _, err) = await CliRun.Invoke("keys", "create", "--name", "bad", "--scopes", "root");
        Assert.Equal(2, code);
        Assert.Contains("Unknown scope 'root'", err);
    }
}
