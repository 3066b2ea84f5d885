using System.Globalization;
using System.Text;
using System.Text.Json;
using Lepton.Runtime;
using Lepton.Runtime.Tables;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton predict</c> on a table model: rows from a CSV (columns in any order, the label and an id ignored) and from JSON lines
/// (a column left out is imputed), answered as the server answers them; a linear model's contributions sum to its served logit.
/// </summary>
[Collection("cli")]
public sealed class PredictTableCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-predict-table").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // Churned when usage is low, or on the basic plan with usage under 60.
    private string Csv()
    {
        var rng = new Random(23);
        var sb = new StringBuilder("customer_id,usage,plan,churned\n");
        for (int i = 0; i < 400; i++)
        {
            double usage = Math.Round(rng.NextDouble() * 100, 1);
            string plan = new[] { "basic", "pro", "team" }[rng.Next(3)];
            bool churned = usage < 25 || (plan == "basic" && usage < 60);
            sb.Append(CultureInfo.InvariantCulture, $"P{i},{(i % 20 == 0 ? "" : usage.ToString(CultureInfo.InvariantCulture))},{plan},{(churned ? "yes" : "no")}\n");
        }
        var path = Path.Combine(_root, "churn.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [Fact]
    public async Task PredictTable_CsvAndJsonLines_AnswerEveryRow_AndLinearContributionsSumToTheLogit()
    {
        _ = fx;
        var (code, _, err) = await CliRun.Invoke("data", "import", Csv(), "--name", "cli-predict-churn", "--label-column", "churned", "--json");
        Assert.True(code == 0, err);
        string gbdt = Path.Combine(_root, "gbdt"), logistic = Path.Combine(_root, "logistic");
        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-predict-churn@1", "--model", "gbdt", "--out", gbdt, "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-predict-churn@1", "--model", "logistic", "--out", logistic, "--json");
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(gbdt, "reference.json")));

        string rows = Path.Combine(_root, "rows.csv");
        File.WriteAllText(rows, "plan,usage,customer_id\nbasic,10,a\nteam,95,b\n");
        string jsonl = Path.Combine(_root, "rows.jsonl");
        File.WriteAllText(jsonl, "{\"usage\": 10, \"plan\": \"basic\"}\n\n{\"plan\": \"team\", \"usage\": 95}\n{\"plan\": \"pro\"}\n");
        foreach (var model in new[] { gbdt, logistic })
        {
            (code, var stdout, err) = await CliRun.Invoke("predict", "--model", model, "--input", rows, "--json");
            Assert.True(code == 0, err + stdout);
            var answers = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();
            Assert.Equal(2, answers.Count);
            // The label keeps the data's words: the low-usage basic customer churns ("yes"), the heavy team user stays ("no").
            Assert.True(answers[0].ToString().Contains("\"yes\"") && answers[1].ToString().Contains("\"no\""), stdout);
            (code, stdout, err) = await CliRun.Invoke("predict", "--model", model, "--input", jsonl, "--json");
            Assert.True(code == 0, err + stdout);
            Assert.Equal(3, JsonDocument.Parse(stdout).RootElement.GetArrayLength());
        }

        // Scoring a file: every input row with all its columns as written (the id, a last answer's "no", a time), then the
        // answer; the same answers as shown.
        string scored = Path.Combine(_root, "scored.csv");
        File.WriteAllText(rows, "plan,usage,customer_id,churned,since\nbasic,10.0,\"a, the first\",no,2024-03-01 10:00\nteam,,b,yes,2024-03-02 11:30\n");
        (code, var shown, err) = await CliRun.Invoke("predict", "--model", gbdt, "--input", rows, "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("predict", "--model", gbdt, "--input", rows, "--output", scored);
        Assert.True(code == 0, err);
        var lines = File.ReadAllLines(scored);
        Assert.Equal(3, lines.Length);
        Assert.Equal("plan,usage,customer_id,churned,since,prediction,probability", lines[0]);
        // The model's own column too: "10.0" is not rewritten as 10.
        Assert.StartsWith("basic,10.0,\"a, the first\",no,2024-03-01 10:00,yes,", lines[1]);
        Assert.StartsWith("team,,b,yes,2024-03-02 11:30,", lines[2]);
        var expected = JsonDocument.Parse(shown).RootElement.EnumerateArray().Select(a => a.GetProperty("probability").GetDouble()).ToList();
        Assert.Equal(expected, lines.Skip(1).Select(l => double.Parse(l[(l.LastIndexOf(',') + 1)..], CultureInfo.InvariantCulture)), (x, y) => Math.Abs(x - y) < 1e-6);
        string scoredJson = Path.Combine(_root, "scored.json");
        (code, _, err) = await CliRun.Invoke("predict", "--model", gbdt, "--input", rows, "--output", scoredJson);
        Assert.True(code == 0, err);
        var objects = JsonDocument.Parse(File.ReadAllText(scoredJson)).RootElement.EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, objects[1].GetProperty("usage").ValueKind);
        Assert.Equal(10, objects[0].GetProperty("usage").GetDouble());
        Assert.Equal("yes", objects[0].GetProperty("prediction").GetString());
        Assert.Equal("no", objects[0].GetProperty("churned").GetString());
        (code, _, err) = await CliRun.Invoke("predict", "--model", gbdt, "--input", rows, "--output", Path.Combine(_root, "scored.txt"));
        Assert.NotEqual(0, code);
        Assert.Contains("writes .csv or .json", err);

        // A spreadsheet's Windows "CSV" (windows-1252): refused as UTF-8 naming --encoding, read with it, answered in it.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var windows1252 = Encoding.GetEncoding(1252);
        string windowsRows = Path.Combine(_root, "windows.csv");
        File.WriteAllBytes(windowsRows, windows1252.GetBytes("plan,usage,city\nbasic,10,München\n"));
        (code, _, err) = await CliRun.Invoke("predict", "--model", gbdt, "--input", windowsRows, "--output", scored);
        Assert.NotEqual(0, code);
        Assert.Contains("--encoding windows-1252", err);
        (code, _, err) = await CliRun.Invoke("predict", "--model", gbdt, "--input", windowsRows, "--encoding", "windows-1252", "--output", scored);
        Assert.True(code == 0, err);
        Assert.StartsWith("basic,10,München,yes,", windows1252.GetString(File.ReadAllBytes(scored)).Split('\n')[1]);

        // With --contributions each row also carries every column's contribution and the bias, which add up to its logit
        // (whose sigmoid is the probability written beside them).
        foreach (var model in new[] { gbdt, logistic })
        {
            string explained = Path.Combine(_root, "explained.json");
            (code, _, err) = await CliRun.Invoke("predict", "--model", model, "--input", rows, "--output", explained, "--contributions");
            Assert.True(code == 0, err);
            foreach (var row in JsonDocument.Parse(File.ReadAllText(explained)).RootElement.EnumerateArray())
            {
                double p = row.GetProperty("probability").GetDouble();
                double sum = row.GetProperty("contribution_usage").GetDouble() + row.GetProperty("contribution_plan").GetDouble() + row.GetProperty("contribution_bias").GetDouble();
                Assert.Equal(p, 1 / (1 + Math.Exp(-sum)), 5); // the probability is written to six decimals
            }
        }
        (code, _, err) = await CliRun.Invoke("predict", "--model", gbdt, "--input", rows, "--contributions");
        Assert.NotEqual(0, code);
        Assert.Contains("give --output rows.csv", err);

        File.WriteAllText(jsonl, "{\"usage\": \"lots\", \"plan\": \"basic\"}\n");
        (code, _, err) = await CliRun.Invoke("predict", "--model", gbdt, "--input", jsonl);
        Assert.NotEqual(0, code);
        Assert.Contains("'usage'", err);

        // The evaluation report: a yes/no model's ROC-AUC on the (unsplit) rows and each raw column's permutation importance (the
        // drop in ROC-AUC), usage first.
        string html = Path.Combine(_root, "churn.html");
        (code, var evalOut, err) = await CliRun.Invoke("eval", "--model", gbdt, "--data", "cli-predict-churn@1", "--report", html, "--json");
        Assert.True(code == 0, err + evalOut);
        var evaluation = JsonDocument.Parse(evalOut).RootElement;
        Assert.Equal("roc_auc", evaluation.GetProperty("metric").GetString());
        Assert.True(evaluation.GetProperty("value").GetDouble() > 0.95, evalOut);
        var importance = evaluation.GetProperty("permutation_importance").EnumerateArray().ToList();
        Assert.Equal(["usage", "plan"], importance.Select(c => c.GetProperty("column").GetString()));
        Assert.True(importance[0].GetProperty("drop").GetDouble() > 0.2, evalOut);
        Assert.True(importance[1].GetProperty("drop").GetDouble() > 0.02, evalOut);
        string page = File.ReadAllText(html);
        Assert.Contains("class=\"bar\"", page);
        Assert.Contains("data-label=\"usage\"", page);
        Assert.Equal(evaluation.GetProperty("value").GetDouble(), evaluation.GetProperty("evaluation").GetProperty("roc_auc").GetDouble(), 6);
        // A yes/no model's page shows precision and recall against the threshold, its own (0.5) marked.
        Assert.Contains("<section id=\"threshold\">", page);
        Assert.Contains("data-chart=\"threshold\" data-threshold=\"0.5\"", page);

        // The full report of the linear model, which cannot draw the rule's corner: the heat map is evaluation.json's confusion
        // matrix, and the gallery shows the rows it gets most wrong with their raw values.
        string linearPage = Path.Combine(_root, "churn-logistic.html");
        (code, evalOut, err) = await CliRun.Invoke("eval", "--model", logistic, "--data", "cli-predict-churn@1", "--report", linearPage, "--bootstrap", "100", "--json");
        Assert.True(code == 0, err + evalOut);
        var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "churn-logistic.evaluation.json"))).RootElement;
        var matrix = written.GetProperty("confusion_matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        Assert.Equal(400, matrix.Sum(r => r.Sum()));
        page = File.ReadAllText(linearPage);
        var cells = System.Text.RegularExpressions.Regex.Matches(page, "<rect class=\"cell\"[^>]*?data-row=\"(\\d+)\" data-col=\"(\\d+)\" data-value=\"(\\d+)\"");
        Assert.Equal(4, cells.Count);
        foreach (System.Text.RegularExpressions.Match cell in cells)
            Assert.Equal(matrix[int.Parse(cell.Groups[1].Value, CultureInfo.InvariantCulture)][int.Parse(cell.Groups[2].Value, CultureInfo.InvariantCulture)],
                int.Parse(cell.Groups[3].Value, CultureInfo.InvariantCulture));
        int wrong = matrix[0][1] + matrix[1][0];
        Assert.True(wrong > 0, "the linear model made no mistakes");
        var gallery = System.Text.RegularExpressions.Regex.Match(page, "<div class=\"gallery wide mistakes\">(.*?)</div><h3>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        Assert.Equal(Math.Min(24, wrong), System.Text.RegularExpressions.Regex.Count(gallery, "<table class=\"row\">"));
        Assert.Contains("<td data-column=\"customer_id\">P", gallery);
        Assert.Contains("<td data-column=\"plan\">", gallery);
        Assert.Contains("id=\"importance\"", page);
        Assert.True(written.GetProperty("permutation_importance").GetArrayLength() == 2);

        // The linear model's exact contributions, read from its folder, add up to the logit its network serves.
        using var predictor = PredictorLoader.Default.Load(logistic);
        var encoder = TableInputEncoder.TryLoad(logistic, predictor.Signature)!;
        var features = encoder.Encode([new Dictionary<string, object?> { ["usage"] = 10.0, ["plan"] = "basic" }, new Dictionary<string, object?> { ["plan"] = "team" }]);
        var logits = predictor.FirstOutput([TableInputEncoder.ToTensor(features)]).ToArray();
        var contributions = encoder.Contributions(predictor, features);
        Assert.Equal(["usage", "plan"], contributions.Columns);
        for (int r = 0; r < 2; r++)
            Assert.Equal(logits[r], contributions.Bias(r, 0) + contributions.Of(r, 0, 0) + contributions.Of(r, 0, 1), 4);

        // lepton explain on one row answers the same numbers, for the linear model and the trees (TreeSHAP) alike.
        foreach (var (model, method) in new[] { (logistic, "exact-linear"), (gbdt, "tree-shap") })
        {
            (code, var explained, err) = await CliRun.Invoke("explain", "--model", model, "--input", "{\"usage\": 10, \"plan\": \"basic\"}", "--json");
            Assert.True(code == 0, err);
            var e = JsonDocument.Parse(explained).RootElement;
            Assert.Equal(method, e.GetProperty("method").GetString());
            double sum = e.GetProperty("bias").GetDouble() + e.GetProperty("contributions").EnumerateObject().Sum(x => x.Value.GetDouble());
            Assert.Equal(e.GetProperty("raw_outputs")[0].GetDouble(), sum, 4);
            if (method == "exact-linear") Assert.Equal(logits[0], sum, 4);
        }
        (code, _, err) = await CliRun.Invoke("explain", "--model", gbdt, "--input", rows);
        Assert.NotEqual(0, code);
        Assert.Contains("one row at a time", err);
    }
}
