using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton compress prune|distill</c> end to end on the synthetic data: registered results, lineage, reports.</summary>
[Collection("cli")]
public sealed class CompressCommandTests(TrainedModelFixture fx)
{
    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    private static JsonObject Metadata(string modelDir) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(modelDir, "model.json")))!["metadata"]!.AsObject();

    [Fact]
    public async Task PruneStructured_Cnn_RegistersHalfWidthModelWithLineageAndReport()
    {
        string cnnDir = Path.Combine(fx.Root, "cnn-for-pruning");
        var (code, _, err) = await CliRun.Invoke("train", "--data-dir", fx.DataDir, "--model", "cnn", "--epochs", "1", "--batch-size", "32",
            "--out", cnnDir, "--seed", "1", "--register", "synthetic-cnn");
        Assert.True(code == 0, err);

        (code, var stdout, err) = await CliRun.Invoke("compress", "prune", "synthetic-cnn@1", "--structured", "--sparsity", "0.5", "--fine-tune-epochs", "1",
            "--batch-size", "32", "--data-dir", fx.DataDir, "--timing-batch", "16", "--json");

        Assert.True(code == 0, err);
        var result = Json(stdout);
        Assert.Equal("synthetic-cnn-pruned@1", result.GetProperty("registered").GetString());
        var report = result.GetProperty("report");
        Assert.Equal("structured-channel-pruning", report.GetProperty("method").GetString());
        long before = report.GetProperty("before").GetProperty("parameters").GetInt64();
        long after = report.GetProperty("after").GetProperty("parameters").GetInt64();
        Assert.True(after < before * 0.6, $"parameters {before} → {after}");
        Assert.True(report.GetProperty("after").GetProperty("test_accuracy").GetDouble() >= 0.9, stdout);
        string dir = result.GetProperty("model_directory").GetString()!;
        Assert.True(File.Exists(Path.Combine(dir, "compression.json")));
        var layers = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "model.json")))!["architecture"]!.AsArray();
        Assert.Equal([16, 32], layers.Where(l => (string?)l!["type"] == "Conv2d").Select(l => (int)l!["options"]!["out_channels"]!));
        Assert.Equal("synthetic-cnn@1", (string?)Metadata(dir)["parent_model"]);

        (code, stdout, err) = await CliRun.Invoke("models", "show", "synthetic-cnn-pruned@1", "--json");
        Assert.True(code == 0, err);
        var version = Json(stdout).GetProperty("version");
        Assert.StartsWith("fashion-mnist@", version.GetProperty("dataset_ref").GetString());
        (code, stdout, err) = await CliRun.Invoke("runs", "show", version.GetProperty("run_id").GetString()!, "--json");
        Assert.True(code == 0, err);
        var run = Json(stdout);
        Assert.Equal("completed", run.GetProperty("run").GetProperty("status").GetString());
        Assert.Contains(run.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("key").GetString() == "speedup");
    }

    [Fact]
    public async Task PruneMagnitude_Mlp_KeepsHalfTheWeightsZeroAfterFineTuning()
    {
        var (code, stdout, err) = await CliRun.Invoke("compress", "prune", "synthetic@1", "--sparsity", "0.5", "--fine-tune-epochs", "1",
            "--data-dir", fx.DataDir, "--timing-batch", "16", "--register", "synthetic-half", "--json");

        Assert.True(code == 0, err);
        var report = Json(stdout).GetProperty("report");
        var after = report.GetProperty("after");
        Assert.Equal(report.GetProperty("before").GetProperty("parameters").GetInt64(), after.GetProperty("parameters").GetInt64());
        // Half of every Conv2d/Linear weight is zero; biases are kept, so a little over half of all parameters remain.
        double kept = (double)after.GetProperty("nonzero_parameters").GetInt64() / after.GetProperty("parameters").GetInt64();
        Assert.InRange(kept, 0.5, 0.52);
        Assert.Equal("synthetic@1", (string?)Metadata(Json(stdout).GetProperty("model_directory").GetString()!)["parent_model"]);
    }

    [Fact]
    public async Task PruneMagnitude_TableOutput_ComparesSourceAndResult()
    {
        var (code, stdout, err) = await CliRun.Invoke("compress", "prune", "synthetic@1", "--sparsity", "0.3", "--fine-tune-epochs", "0",
            "--data-dir", fx.DataDir, "--timing-batch", "8", "--register", "synthetic-table");

        Assert.True(code == 0, err);
        Assert.Contains("test accuracy", stdout);
        Assert.Contains("non-zero parameters", stdout);
        // The console wraps long lines at spaces.
        Assert.Contains("registered as synthetic-table@1 (parent: synthetic@1)", System.Text.RegularExpressions.Regex.Replace(stdout, @"\s+", " "));
    }

    [Fact]
    public async Task PruneStructured_ModelWithoutConvolutions_FailsNamingTheFix()
    {
        var (code, _, err) = await CliRun.Invoke("compress", "prune", "synthetic@1", "--structured", "--data-dir", fx.DataDir, "--register", "never");

        Assert.Equal(2, code);
        Assert.Contains("without --structured", err);
    }

    [Fact]
    public async Task Distill_TwoTeachers_RegistersStudentNamingBothTeachers()
    {
        var (code, stdout, err) = await CliRun.Invoke("compress", "distill", "--teacher", $"synthetic@1,{fx.ModelDir}", "--student", "mlp", "--epochs", "2",
            "--batch-size", "32", "--data-dir", fx.DataDir, "--timing-batch", "16", "--json");

        Assert.True(code == 0, err);
        var result = Json(stdout);
        Assert.Equal("synthetic-distilled@1", result.GetProperty("registered").GetString());
        var report = result.GetProperty("report");
        Assert.Equal("distillation", report.GetProperty("method").GetString());
        Assert.Equal(2, report.GetProperty("sources").GetArrayLength());
        Assert.True(report.GetProperty("after").GetProperty("test_accuracy").GetDouble() >= 0.9, stdout);
        var metadata = Metadata(result.GetProperty("model_directory").GetString()!);
        Assert.Equal($"synthetic@1,{fx.ModelDir}", (string?)metadata["parent_model"]);
        Assert.Equal("distillation", (string?)metadata["compression"]!["method"]);
    }

    [Fact]
    public async Task Distill_AlphaOutOfRange_FailsNamingTheRange()
    {
        var (code, _, err) = await CliRun.Invoke("compress", "distill", "--teacher", "synthetic@1", "--alpha", "1.5", "--data-dir", fx.DataDir);

        Assert.Equal(2, code);
        Assert.Contains("[0, 1]", err);
    }
}
