using Lepton.Serving.Tests.Http;
using Microsoft.Playwright;

namespace Lepton.Serving.Tests.Dashboard;

/// <summary>
/// The acceptance test: a real Kestrel server on 127.0.0.1 serving a registered model with a run, an evaluation and live
/// traffic, loaded in headless Debian chromium through Playwright. It checks what a person sees and keeps a screenshot.
/// </summary>
public sealed class DashboardBrowserTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Dashboard_InChromium_ShowsModelsCurvesConfusionMatrixAndLiveMetrics()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: the dashboard's browser test drives Debian's chromium. Install it with sudo apt-get install chromium (test.sh does).");
        var address = await fixture.StartKestrelAsync(new ServerOptions { Host = "127.0.0.1" });
        using (var http = new HttpClient { BaseAddress = address })
        {
            for (int i = 0; i < 8; i++)
                Assert.Equal(200, (await Requests.PostJson(http, "/v2/models/tiny/infer", Requests.InferJson(Requests.Pixels(i)), fixture.PredictKey)).Status);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Timeout = 15_000 });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        // The key goes in once through the URL; the server moves it into a cookie and redirects to a clean address.
        var response = await page.GotoAsync(new Uri(address, "/?key=" + Uri.EscapeDataString(fixture.AdminKey)).ToString(), new() { Timeout = 10_000 });
        Assert.Equal(200, response!.Status);
        Assert.Equal(new Uri(address, "/").ToString(), page.Url);

        Assert.Equal("Lepton dashboard", await page.TitleAsync());
        Assert.Equal("tiny", await page.Locator("section.model h2").First.InnerTextAsync());
        Assert.Equal("production", await page.Locator("table.versions tr.production .alias-production").InnerTextAsync());
        // One run: a loss chart (train) and an accuracy chart (train, validation).
        Assert.Equal(3, await page.Locator(".card.runs svg.chart path.series").CountAsync());
        var curve = await page.Locator(".card.runs path.series[data-series='train loss']").GetAttributeAsync("d");
        Assert.Matches("^M[0-9.]+ [0-9.]+( L[0-9.]+ [0-9.]+){2}$", curve);
        Assert.True(await page.Locator(".card.runs svg.chart").First.IsVisibleAsync());
        Assert.Equal(9, await page.Locator("table.confusion td.cell").CountAsync());
        Assert.Equal("6", await page.Locator("table.confusion td[data-row='1'][data-col='1']").InnerTextAsync());
        Assert.Equal("bird", await page.Locator("table.confusion thead th").Nth(3).InnerTextAsync());
        string live = await page.Locator("table.live").InnerTextAsync();
        Assert.Contains("latency p99", live);
        Assert.Contains("ms", live);
        Assert.Contains("promote", await page.Locator(".card.loop").InnerTextAsync());

        string dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        var shot = await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "dashboard.png"), FullPage = true });
        Assert.True(shot.Length > 10_000, $"screenshot of {shot.Length} bytes");
        if (Environment.GetEnvironmentVariable("LEPTON_SCREENSHOT_DOCS") == "1")
            await File.WriteAllBytesAsync(Path.Combine(RepositoryRoot(), "docs", "dashboard.png"), shot);
    }

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? "/";

    private static string RepositoryRoot()
    {
        // The build output may live outside the checkout (LEPTON_ARTIFACTS), so the source file's own path is tried too.
        foreach (string start in new[] { AppContext.BaseDirectory, SourceFolder() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Lepton.slnx"))) return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("Lepton.slnx not found above the test folder; run the test from the repository.");
    }
}
