using System.Text.RegularExpressions;
using Lepton.Registry.Store;
using Lepton.Serving.Batching;
using Lepton.Serving.Http;
using Lepton.Serving.Http.Dashboard;

namespace Lepton.Serving.Tests.Dashboard;

/// <summary>The page's pieces on fixed data: confusion matrix cells, evaluation parsing, lineage references, accuracy, live numbers.</summary>
public sealed class RenderingTests
{
    private static EvaluationInfo Evaluation(params string[] classes) =>
        EvaluationFiles.Parse(3, DashboardFixture.EvaluationJson.Replace("\"cat\"", $"\"{classes[0]}\""), "tiny@3").Info!;

    [Fact]
    public void ConfusionMatrix_HasACellPerPair_WithCountsAndRowShares()
    {
        string html = ConfusionMatrixHtml.Render(Evaluation("cat"));
        var cells = Regex.Matches(html, "<td class=\"cell( diag)?\" data-row=\"(\\d)\" data-col=\"(\\d)\" style=\"([^\"]*)\"[^>]*>(\\d+)</td>");
        Assert.Equal(9, cells.Count);
        foreach (Match c in cells)
        {
            int row = int.Parse(c.Groups[2].Value), col = int.Parse(c.Groups[3].Value);
            Assert.Equal(DashboardFixture.Confusion[row][col], long.Parse(c.Groups[5].Value));
            Assert.Equal(row == col, c.Groups[1].Success);
        }
        // Row "dog" holds 2, 6, 1: the correct cell is 6/9 of the row.
        Assert.Contains("data-row=\"1\" data-col=\"1\" style=\"background:rgba(37,99,235,0.67);color:#fff\"", html);
        Assert.Contains("data-row=\"1\" data-col=\"0\" style=\"background:rgba(220,38,38,0.22);color:#111827\"", html);
        Assert.Contains("Held-out accuracy <strong>81.8%</strong> on 22 examples", html);
        // Per-class as the file gives it: dog precision 6/7, recall 6/9.
        Assert.Contains("<tr><td>dog</td><td>85.7%</td><td>66.7%</td><td>0.75</td><td>9</td></tr>", html);
    }

    [Fact]
    public void ClassNames_AreHtmlEncoded()
    {
        string html = ConfusionMatrixHtml.Render(Evaluation("<cat & co>"));
        Assert.Contains("&lt;cat &amp; co&gt;", html);
        Assert.DoesNotContain("<cat", html);
    }

    [Fact]
    public void EvaluationFile_ParsesMatrixAndClasses_AndExplainsBadFiles()
    {
        var (info, note) = EvaluationFiles.Parse(1, DashboardFixture.EvaluationJson, "tiny@1");
        Assert.Null(note);
        Assert.Equal(["cat", "dog", "bird"], info!.Classes);
        Assert.Equal(0.8181818181818182, info.Accuracy);
        Assert.Equal(7, info.ConfusionMatrix[2][2]);
        Assert.Equal(9, info.PerClass[1].Support);

        var (none, why) = EvaluationFiles.Parse(1, "{\"confusion_matrix\": [[1, 2], [3]]}", "tiny@1");
        Assert.Null(none);
        Assert.Contains("not square", why);
        Assert.Contains("could not be read", EvaluationFiles.Parse(1, "{nope", "tiny@1").Note);
    }

    [Theory]
    [InlineData("{\"base_dataset\":\"fashion-mnist@1\",\"files\":[]}", "fashion-mnist@1")]
    [InlineData("{\"baseRef\":\"toy@12\"}", "toy@12")]
    [InlineData("{\"base\":\"not a ref\",\"base_dataset\":\"toy@2\"}", "toy@2")]
    [InlineData("{\"format\":\"lepton-dataset-manifest/1\"}", null)]
    [InlineData("[1,2]", null)]
    [InlineData("{broken", null)]
    public void BaseDataset_IsTheFirstBasePropertyThatReadsAsARef(string manifest, string? expected) =>
        Assert.Equal(expected, LineageReader.BaseRefOf(manifest));

    [Theory]
    [InlineData("{\"test_accuracy\":0.9,\"accuracy\":0.5}", 0.9)]
    [InlineData("{\"accuracy\":0.5}", 0.5)]
    [InlineData("{\"loss\":0.5}", null)]
    [InlineData("", null)]
    [InlineData("not json", null)]
    public void VersionAccuracy_ComesFromTheMetricsJson(string json, double? expected) =>
        Assert.Equal(expected, VersionTable.Accuracy(json));

    [Fact]
    public void LiveMetrics_CountRequestsErrorsAndLatencyPerVersion()
    {
        var http = new HttpMetrics();
        // Version 1: three 200s at 1 ms (bucket 0.0005..0.001) and one 500 at 20 ms (bucket 0.01..0.025).
        for (int i = 0; i < 3; i++) http.Record("/v2/models/{name}/infer", "m", "1", 200, TimeSpan.FromMilliseconds(1));
        http.Record("/models/{name}/predict", "m", "1", 500, TimeSpan.FromMilliseconds(20));
        http.Record("/v2/models/{name}/infer", "m", "", 400, TimeSpan.FromMilliseconds(1));
        http.Record("/v2/models/{name}/infer", "other", "1", 200, TimeSpan.FromMilliseconds(1));
        var serving = new ServingMetrics();
        var v1 = serving.For("m", "1");
        v1.RequestStarted(2);
        v1.RequestStarted(4);
        v1.BatchRan(2, TimeSpan.FromMilliseconds(1));
        v1.BatchRan(4, TimeSpan.FromMilliseconds(1));

        var rows = LiveMetrics.For("m", http, serving);
        Assert.Equal(["1", "(none)"], rows.Select(r => r.Version));
        var r1 = rows[0];
        Assert.Equal(4, r1.HttpRequests);
        Assert.Equal(1, r1.HttpErrors);
        // p50: rank 2 of 4 lies in the 0.5..1 ms bucket holding 3 → 0.5 + 0.5·2/3 ms.
        Assert.Equal(0.5 + 0.5 * 2 / 3, r1.LatencyP50Ms!.Value, 6);
        // p99: rank 3.96 lies in the 10..25 ms bucket holding 1 → 10 + 15·0.96 ms.
        Assert.Equal(10 + 15 * 0.96, r1.LatencyP99Ms!.Value, 6);
        Assert.Equal(2, r1.InferenceRequests);
        Assert.Equal(6, r1.Rows);
        Assert.Equal(2, r1.Batches);
        Assert.Equal(3.0, r1.MeanBatchSize!.Value, 9);
        Assert.Equal(1, rows[1].HttpErrors);
        Assert.Equal(0, rows[1].InferenceRequests);
    }

    [Fact]
    public void Decisions_AreNewestFirst_AndEncoded()
    {
        var now = DateTimeOffset.UnixEpoch.AddDays(20000);
        var model = new DashboardModel("m", null, [], null, [], null, null, [],
        [
            new LoopDecisionRecord(1, "m", now, "compare", "keep", 1, 2, "worse by <2> points", "{}", "loop"),
            new LoopDecisionRecord(2, "m", now.AddMinutes(1), "canary", "promote", 1, 2, "fine", "{}", "loop"),
        ], []);
        string html = DashboardSections.Decisions(model);
        Assert.True(html.IndexOf("promote", StringComparison.Ordinal) < html.IndexOf("keep", StringComparison.Ordinal));
        Assert.Contains("worse by &lt;2&gt; points", html);
        Assert.Contains("v1 → v2", html);
        Assert.Contains("No alerts.", html);
    }
}
