using System.Globalization;
using Lepton.Reports.Html;
using Microsoft.Playwright;

namespace Lepton.Reports.Tests;

/// <summary>
/// The text report opens from disk in headless Debian chromium with no console error and no request beyond the file; the
/// numbers read back from the DOM are evaluation.json's, and the planted mistake's "free" tokens are drawn red.
/// </summary>
public sealed class TextReportBrowserTests(TextReportFixture fx) : IClassFixture<TextReportFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    private static double D(string? attribute) => double.Parse(attribute!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task TextReport_InChromium_ShowsEvaluationJsonNumbers_AndHighlights_WithNoErrorsOrRequests()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: the report's browser test drives Debian's chromium. Install it with sudo apt-get install chromium.");
        string dir = Path.Combine(fx.Root, "pages-" + Guid.NewGuid().ToString("N"));
        string path = Path.Combine(dir, "text-report.html");
        await ReportWorkflow.WriteAsync(path, EvaluationReportHtml.Render(fx.Report), fx.Report.EvaluationJson());
        var evaluation = fx.Report.EvaluationJson();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Timeout = 20_000 });
        var (page, errors, requests) = await ReportBrowserTests.OpenAsync(browser, path);

        Assert.Equal(evaluation["accuracy"]!.GetValue<double>(), D(await page.Locator("tr.metric[data-metric='accuracy']").GetAttributeAsync("data-value")));
        var cells = await page.EvalOnSelectorAllAsync<string[][]>("svg[data-chart='confusion'] rect.cell", "els => els.map(e => [e.dataset.row, e.dataset.col, e.dataset.value])");
        var matrix = evaluation["confusion_matrix"]!.AsArray();
        Assert.Equal(4, cells.Length);
        foreach (var cell in cells)
            Assert.Equal(matrix[int.Parse(cell[0], CultureInfo.InvariantCulture)]![int.Parse(cell[1], CultureInfo.InvariantCulture)]!.GetValue<int>(), int.Parse(cell[2], CultureInfo.InvariantCulture));
        Assert.Equal(2, await page.Locator("table.slices tr[data-group='script']").CountAsync());

        var planted = page.Locator($".gallery.mistakes figure[data-index='{TextReportFixture.Planted}']");
        Assert.Equal("free lunch free team", (await planted.Locator(".text").InnerTextAsync()).Trim());
        var red = await planted.Locator("span[title]").EvaluateAllAsync<string[]>(
            "els => els.filter(e => getComputedStyle(e).backgroundColor.startsWith('rgba(220, 38, 38')).map(e => e.textContent.trim())");
        Assert.Equal(["free", "free"], red);
        Assert.Equal(fx.Report.Mistakes.Count, await page.Locator(".gallery.mistakes figure .text.highlighted").CountAsync());

        Assert.Empty(errors);
        Assert.Equal([new Uri(path).AbsoluteUri], requests);
        await page.EvaluateAsync("document.getElementById('errors').scrollIntoView()");
        var shot = await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "text-report.png"), FullPage = false });
        Assert.True(shot.Length > 10_000, $"screenshot of {shot.Length} bytes");
        if (Environment.GetEnvironmentVariable("LEPTON_SCREENSHOT_DIR") is { Length: > 0 } keep)
            File.Copy(Path.Combine(dir, "text-report.png"), Path.Combine(keep, "text-report.png"), overwrite: true);
    }
}
