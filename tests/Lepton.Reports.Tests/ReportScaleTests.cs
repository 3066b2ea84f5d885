using System.Diagnostics;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Html;

namespace Lepton.Reports.Tests;

/// <summary>A report on 10,000 images (Fashion-MNIST's test size and shape, a tiny model) builds quickly and stays small.</summary>
public sealed class ReportScaleTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-report-scale-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task TenThousandImageReport_BuildsUnder30Seconds_AndUnder10MB()
    {
        const int n = 10_000, classes = 10, side = 28;
        var raw = PatchImages.Make(n, classes, side, seed: 21);
        var data = new ReportData("patches-10k", raw, [.. Enumerable.Repeat("test", n)], "test");
        var model = new ReportModel("tiny", PatchImages.WriteModel(Path.Combine(_root, "tiny"), classes, side));
        string path = Path.Combine(_root, "report.html");

        var report = await BuildWithinLimitsAsync(model, data, path, "10,000-image");
        Assert.Equal(n, report.Metrics.Count);
        Assert.Equal(ReportOptions.Default.Mistakes, report.Mistakes.Count);
        Assert.Equal(ReportOptions.Default.Mistakes, System.Text.RegularExpressions.Regex.Count(File.ReadAllText(path), "<figure data-index=\"[0-9]+\"[^>]*><img") - report.ConfusedPairs.Sum(p => p.Examples.Count));
    }

    [Fact]
    public async Task TenThousandTextReport_BuildsUnder30Seconds_ExplainingOnlyTheGallery()
    {
        const int n = 10_000;
        var (texts, labels) = TextModels.Make(n, seed: 8);
        var data = new ReportData("mail-10k", new Evaluation.Text.TextExamples(texts, labels, TextModels.Classes), [.. Enumerable.Repeat("test", n)], "test");
        var model = new ReportModel("keywords", TextModels.WriteModel(Path.Combine(_root, "keywords"), TextModels.Tokenizer(), new Dictionary<string, float> { ["free"] = 12 }));
        string path = Path.Combine(_root, "text-report.html");

        var report = await BuildWithinLimitsAsync(model, data, path, "10,000-text");
        Assert.Equal(n, report.Metrics.Count);
        Assert.Equal(ReportOptions.Default.Mistakes, report.Mistakes.Count);
        // Only the gallery's texts are explained: one highlighted text per figure, no more.
        string html = File.ReadAllText(path);
        int figures = System.Text.RegularExpressions.Regex.Count(html, "<figure data-index=");
        Assert.Equal(figures, System.Text.RegularExpressions.Regex.Count(html, "<div class=\"text highlighted\""));
        Assert.Equal(report.Mistakes.Count + report.ConfusedPairs.Sum(p => p.Examples.Count), figures);
    }

    // The limits for a 10,000-example report: built and written in under 30 s on 2 cores, under 10 MB.
    private static async Task<EvaluationReport> BuildWithinLimitsAsync(ReportModel model, ReportData data, string path, string what)
    {
        var clock = Stopwatch.StartNew();
        var report = await ReportWorkflow.EvaluateAsync(model, data, store: null, ReportOptions.Default);
        await ReportWorkflow.WriteAsync(path, EvaluationReportHtml.Render(report), report.EvaluationJson());
        clock.Stop();
        long bytes = new FileInfo(path).Length;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the {what} report took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(bytes < 10L << 20, $"the {what} report is {bytes / 1e6:F1} MB");
        return report;
    }
}
