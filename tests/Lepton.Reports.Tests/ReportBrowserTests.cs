using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Reports.Html;
using Lepton.Reports.Statistics;
using Lepton.Training.Workflows;
using Microsoft.Playwright;

namespace Lepton.Reports.Tests;

/// <summary>
/// The acceptance test: both report pages open from disk in headless Debian chromium through Playwright with no console
/// error and no request beyond the file itself, and the numbers read back from the DOM equal evaluation.json's.
/// </summary>
public sealed class ReportBrowserTests(ReportFixture fx) : IClassFixture<ReportFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    private static double D(string? attribute) => double.Parse(attribute!, CultureInfo.InvariantCulture);

    internal sealed record OpenedPage(IPage Page, List<string> Errors, List<string> Requests);

    internal static async Task<OpenedPage> OpenAsync(IBrowser browser, string path)
    {
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var errors = new List<string>();
        var requests = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add($"{m.Type}: {m.Text}"); };
        page.PageError += (_, e) => errors.Add("page error: " + e);
        page.Request += (_, r) => { if (!r.Url.StartsWith("data:", StringComparison.Ordinal)) requests.Add(r.Url); };
        var response = await page.GotoAsync(new Uri(path).AbsoluteUri, new() { Timeout = 15_000, WaitUntil = WaitUntilState.Load });
        Assert.NotNull(response);
        return new OpenedPage(page, errors, requests);
    }

    [Fact]
    public async Task EvaluationReport_InChromium_ShowsEvaluationJsonNumbers_WithNoErrorsOrRequests()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: the report's browser test drives Debian's chromium. Install it with sudo apt-get install chromium.");
        string dir = Path.Combine(fx.Root, "pages-" + Guid.NewGuid().ToString("N"));
        string path = Path.Combine(dir, "report.html");
        string? jsonPath = await ReportWorkflow.WriteAsync(path, EvaluationReportHtml.Render(fx.Report), fx.Report.EvaluationJson());
        // evaluation.json as training writes it, from Training's metrics of the same examples.
        ModelReports.WriteEvaluation(dir, fx.Report.Metrics);
        var evaluation = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "evaluation.json")))!;
        Assert.Equal(evaluation.ToJsonString(), JsonNode.Parse(File.ReadAllText(jsonPath!))!.ToJsonString());

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Timeout = 20_000 });
        var (page, errors, requests) = await OpenAsync(browser, path);

        Assert.Equal($"Evaluation of patches@1 on patches (test-made)", await page.TitleAsync());
        Assert.Equal(evaluation["accuracy"]!.GetValue<double>(), D(await page.Locator("tr.metric[data-metric='accuracy']").GetAttributeAsync("data-value")));
        Assert.Equal(evaluation["macro_f1"]!.GetValue<double>(), D(await page.Locator("tr.metric[data-metric='macro_f1']").GetAttributeAsync("data-value")));
        Assert.Equal(evaluation["loss"]!.GetValue<double>(), D(await page.Locator("tr.metric[data-metric='loss']").GetAttributeAsync("data-value")));
        Assert.Equal(evaluation["count"]!.GetValue<int>(), (int)D(await page.Locator("tr[data-metric='count']").GetAttributeAsync("data-value")));
        var interval = fx.Report.Intervals["accuracy"];
        Assert.Equal(interval.Low, D(await page.Locator("tr.metric[data-metric='accuracy']").GetAttributeAsync("data-low")));

        var classes = evaluation["classes"]!.AsArray();
        var rows = await page.Locator("table.classes tr.class").AllAsync();
        Assert.Equal(classes.Count, rows.Count);
        for (int c = 0; c < classes.Count; c++)
        {
            Assert.Equal(classes[c]!["name"]!.GetValue<string>(), await rows[c].GetAttributeAsync("data-class"));
            foreach (var key in new[] { "precision", "recall", "f1" })
                Assert.Equal(classes[c]![key]!.GetValue<double>(), D(await rows[c].GetAttributeAsync("data-" + key)));
            Assert.Equal(classes[c]!["support"]!.GetValue<int>(), (int)D(await rows[c].GetAttributeAsync("data-support")));
        }

        // The heat map's cells are the confusion matrix.
        var cells = await page.EvalOnSelectorAllAsync<string[][]>("svg[data-chart='confusion'] rect.cell",
            "els => els.map(e => [e.dataset.row, e.dataset.col, e.dataset.value])");
        var matrix = evaluation["confusion_matrix"]!.AsArray();
        Assert.Equal(classes.Count * classes.Count, cells.Length);
        foreach (var cell in cells)
            Assert.Equal(matrix[int.Parse(cell[0], CultureInfo.InvariantCulture)]![int.Parse(cell[1], CultureInfo.InvariantCulture)]!.GetValue<int>(),
                int.Parse(cell[2], CultureInfo.InvariantCulture));

        // One ROC chart per class, its AUC Training's; one precision-recall chart per class; curves drawn.
        var aucs = await page.EvalOnSelectorAllAsync<string[]>("svg[data-chart='roc']", "els => els.map(e => e.dataset.auc)");
        Assert.Equal(fx.Report.Metrics.Classes.Select(c => c.RocAuc!.Value), aucs.Select(D));
        Assert.Equal(classes.Count, await page.Locator("svg[data-chart='pr'] path.series").CountAsync());
        Assert.Equal(fx.Report.Reliability.ExpectedCalibrationError, D(await page.Locator("svg[data-chart='reliability']").GetAttributeAsync("data-ece")));
        Assert.Equal(fx.Report.Reliability.Bins.Count(b => b.Count > 0), await page.Locator("table.reliability tr[data-count]").CountAsync());

        // Training curves from the run; slices; lineage; the gallery with PNG thumbnails.
        Assert.Equal("1.2 0.7 0.5", await page.Locator("svg[data-chart='training-loss']").GetAttributeAsync("data-loss"));
        Assert.Equal(2, await page.Locator("svg[data-chart='training-accuracy'] path.series").CountAsync());
        Assert.Equal(2 + 4 + 4, await page.Locator("table.slices tr[data-slice]").CountAsync());
        Assert.Equal("patches@2", await page.Locator("dl.lineage dd[data-key='trained on']").InnerTextAsync());
        Assert.Equal("patches@1", await page.Locator("dl.lineage dd[data-key='data set ancestors']").InnerTextAsync());
        int mistakes = await page.Locator(".gallery.mistakes figure").CountAsync();
        Assert.Equal(fx.Report.Mistakes.Count, mistakes);
        Assert.True(mistakes > 0);
        var first = page.Locator(".gallery.mistakes figure img").First;
        Assert.StartsWith("data:image/png;base64,", await first.GetAttributeAsync("src"));
        Assert.True(await first.EvaluateAsync<bool>("img => img.complete && img.naturalWidth === 16"), "the first thumbnail did not decode");
        Assert.Equal(fx.Report.Mistakes[0].Confidence, D(await page.Locator(".gallery.mistakes figure").First.GetAttributeAsync("data-confidence")));

        Assert.Empty(errors);
        Assert.Equal([new Uri(path).AbsoluteUri], requests);

        var shot = await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "report.png"), FullPage = false });
        Assert.True(shot.Length > 10_000, $"screenshot of {shot.Length} bytes");
    }

    [Fact]
    public async Task ComparisonReport_InChromium_ShowsThePairedTests_WithNoErrorsOrRequests()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install it with sudo apt-get install chromium.");
        string path = Path.Combine(fx.Root, "pages-" + Guid.NewGuid().ToString("N"), "compare.html");
        await ReportWorkflow.WriteAsync(path, ComparisonReportHtml.Render(fx.Comparison), null);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Timeout = 20_000 });
        var (page, errors, requests) = await OpenAsync(browser, path);

        var m = fx.Comparison.McNemar;
        var table = page.Locator("table.mcnemar");
        Assert.Equal(m.OnlyFirstCorrect, (int)D(await table.GetAttributeAsync("data-only-a")));
        Assert.Equal(m.OnlySecondCorrect, (int)D(await table.GetAttributeAsync("data-only-b")));
        Assert.Equal(m.PValue, D(await table.GetAttributeAsync("data-p")));
        Assert.Equal(m.IsSignificant() ? "true" : "false", await page.Locator("p.verdict").GetAttributeAsync("data-significant"));
        foreach (var d in fx.Comparison.Differences)
        {
            var row = page.Locator($"table.differences tr[data-metric='{d.Metric}']");
            Assert.Equal(d.Difference, D(await row.GetAttributeAsync("data-difference")));
            Assert.Equal(d.First, D(await row.GetAttributeAsync("data-a")));
        }
        // Both models' curves overlay on each class's ROC chart; both confusion matrices; both disagreement galleries.
        Assert.Equal(2 * ReportFixture.Classes, await page.Locator("svg[data-chart='roc'] path.series").CountAsync());
        Assert.Equal(2, await page.Locator("svg[data-chart='confusion']").CountAsync());
        Assert.Equal(Math.Min(m.OnlyFirstCorrect, ReportFixture.Options.Mistakes), await page.Locator(".gallery.only-a figure").CountAsync());
        Assert.Equal(Math.Min(m.OnlySecondCorrect, ReportFixture.Options.Mistakes), await page.Locator(".gallery.only-b figure").CountAsync());
        Assert.Empty(errors);
        Assert.Equal([new Uri(path).AbsoluteUri], requests);
    }

    [Fact]
    public async Task ModelCard_InChromium_ShowsTheCardsMetrics_WithNoErrorsOrRequests()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install it with sudo apt-get install chromium.");
        // The card reads the registered model's evaluation.json, written as training writes it.
        string folder = (await fx.Registry.ResolveAsync("patches@1")).Folder;
        var card = await Lepton.Reports.Cards.ModelCardBuilder.BuildAsync(fx.Registry, "patches@1");
        string path = Path.Combine(fx.Root, "pages-" + Guid.NewGuid().ToString("N"), "card.html");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, Lepton.Reports.Cards.ModelCardHtml.Render(card));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Timeout = 20_000 });
        var (page, errors, requests) = await OpenAsync(browser, path);
        Assert.Contains("patches@1", await page.TitleAsync());
        string text = await page.InnerTextAsync("body");
        Assert.Contains("patches@2", text);
        Assert.DoesNotContain(folder, await page.ContentAsync());
        Assert.Empty(errors);
        Assert.Equal([new Uri(path).AbsoluteUri], requests);
    }

    [Fact]
    public void Comparison_TestsTheDiscordantHeadlineExamples_AndDifferencesAreSecondMinusFirst()
    {
        var c = fx.Comparison;
        var accuracy = c.Differences.Single(d => d.Metric == "accuracy");
        Assert.Equal(c.Second.Metrics.Accuracy - c.First.Metrics.Accuracy, accuracy.Difference, 12);
        Assert.Equal(McNemar.Test(
            [.. Enumerable.Range(0, c.First.Headline.Count).Select(c.First.Headline.IsCorrect)],
            [.. Enumerable.Range(0, c.Second.Headline.Count).Select(c.Second.Headline.IsCorrect)]), c.McNemar);
        Assert.Equal(c.McNemar.OnlyFirstCorrect, fx.Data.HeadlineIndices.Count(i => c.First.Scores.IsCorrect(i) && !c.Second.Scores.IsCorrect(i)));
    }
}
