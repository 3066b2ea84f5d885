using System.Text.Json;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton eval --report</c> and <c>--compare</c> on the shared trained model: the page's numbers are plain <c>lepton eval</c>'s.</summary>
[Collection("cli")]
public sealed class EvalReportCommandTests(TrainedModelFixture fx)
{
    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    private static string Compact(JsonElement e) => System.Text.Json.Nodes.JsonNode.Parse(e.GetRawText())!.ToJsonString();

    [Fact]
    public async Task EvalReport_WritesPageAndEvaluationJson_WithPlainEvalsNumbers()
    {
        Assert.True(fx.TrainResult.Code == 0, fx.TrainResult.Err);
        var (code, stdout, err) = await CliRun.Invoke("eval", "--model", "synthetic@1", "--data-dir", fx.DataDir, "--json");
        Assert.True(code == 0, err);
        var plain = Json(stdout);

        string page = Path.Combine(fx.Root, "reports", "synthetic.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", "synthetic@1", "--data-dir", fx.DataDir, "--report", page, "--bootstrap", "200", "--json");
        Assert.True(code == 0, err);
        var report = Json(stdout);
        var evaluation = report.GetProperty("evaluation");
        Assert.Equal(plain.GetProperty("accuracy").GetDouble(), evaluation.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(Compact(plain.GetProperty("confusion_matrix")), Compact(evaluation.GetProperty("confusion_matrix")));
        Assert.Equal(plain.GetProperty("loss").GetDouble(), evaluation.GetProperty("loss").GetDouble(), 4);
        var interval = report.GetProperty("intervals").GetProperty("accuracy");
        Assert.InRange(evaluation.GetProperty("accuracy").GetDouble(), interval.GetProperty("low").GetDouble(), interval.GetProperty("high").GetDouble());

        Assert.Equal(Path.GetFullPath(page), report.GetProperty("report").GetString());
        string html = await File.ReadAllTextAsync(page);
        Assert.Contains("data-chart=\"confusion\"", html);
        // The registered model's run: its per-epoch curves and lineage are on the page.
        Assert.Contains("data-chart=\"training-loss\"", html);
        Assert.Contains("fashion-mnist", html);
        var written = Json(await File.ReadAllTextAsync(Path.Combine(fx.Root, "reports", "synthetic.evaluation.json")));
        Assert.Equal(evaluation.GetProperty("macro_f1").GetDouble(), written.GetProperty("macro_f1").GetDouble());
    }

    [Fact]
    public async Task EvalCompare_AModelWithItself_IsNotSignificant()
    {
        Assert.True(fx.TrainResult.Code == 0, fx.TrainResult.Err);
        string page = Path.Combine(fx.Root, "reports", "compare.html");
        var (code, stdout, err) = await CliRun.Invoke("eval", "--compare", "synthetic@1", fx.ModelDir, "--data-dir", fx.DataDir, "--report", page,
            "--bootstrap", "100", "--json");
        Assert.True(code == 0, err);
        var result = Json(stdout);
        var mcnemar = result.GetProperty("mcnemar");
        Assert.Equal(0, mcnemar.GetProperty("only_a_correct").GetInt32());
        Assert.Equal(0, mcnemar.GetProperty("only_b_correct").GetInt32());
        Assert.False(mcnemar.GetProperty("significant").GetBoolean());
        Assert.All(result.GetProperty("differences").EnumerateArray(), d => Assert.Equal(0, d.GetProperty("difference").GetDouble()));
        Assert.Contains("table class=\"mcnemar\"", await File.ReadAllTextAsync(page));

        (code, _, err) = await CliRun.Invoke("eval", "--data-dir", fx.DataDir);
        Assert.NotEqual(0, code);
        Assert.Contains("--model", err);
    }
}
