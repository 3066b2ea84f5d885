using Lepton.Registry.Labeling;
using Microsoft.Playwright;

namespace Lepton.Serving.Tests.Labeling;

/// <summary>
/// The acceptance test of the labeling page: a real Kestrel server on 127.0.0.1 in headless Debian chromium through Playwright.
/// A person opens /label, sees the first unlabelled image, presses the key of a class; the label is stored and the next image shown.
/// </summary>
public sealed class LabelBrowserTests(LabelFixture fixture) : IClassFixture<LabelFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task LabelPage_InChromium_KeyPressStoresTheLabelAndShowsTheNextImage()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: the labeling page's browser test drives Debian's chromium. Install it with sudo apt-get install chromium.");
        string name = fixture.AddShapes("browser-shapes");
        var address = await fixture.StartKestrelAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Timeout = 15_000 });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1100, Height = 900 } });
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);
        // The key goes in once through the URL; the server keeps it in a cookie and redirects to an address without it.
        var response = await page.GotoAsync(new Uri(address, $"/label?key={Uri.EscapeDataString(fixture.FeedbackKey)}&dataset={name}").ToString(), new() { Timeout = 10_000 });
        Assert.Equal(200, response!.Status);
        Assert.Equal(new Uri(address, $"/label?dataset={name}").ToString(), page.Url);
        Assert.Equal("Lepton labeling", await page.TitleAsync());

        string first = LabelIds.ForItem("unlabeled/a.png"), second = LabelIds.ForItem("unlabeled/b.png");
        await page.WaitForSelectorAsync($"body[data-current='{first}']", new() { Timeout = 10_000 });
        Assert.Equal(["1circle", "2square"], await page.Locator("#classes button").AllInnerTextsAsync());
        Assert.Contains("0 labelled · 3 in the queue", await page.Locator("#progress").InnerTextAsync());
        Assert.Contains("unlabeled/a.png", await page.Locator("#caption").InnerTextAsync());
        await page.WaitForFunctionAsync("() => document.getElementById('image').complete && document.getElementById('image').naturalWidth === 4");

        await page.Keyboard.PressAsync("2");
        await page.WaitForSelectorAsync($"body[data-current='{second}']", new() { Timeout = 10_000 });
        var stored = Assert.Single(await fixture.Registry.Store.ListLabelsAsync(name));
        Assert.Equal(("unlabeled/a.png", "square"), (stored.Item, stored.Label));
        Assert.Contains("1 labelled · 2 in the queue", await page.Locator("#progress").InnerTextAsync());
        Assert.Contains("unlabeled/a.png → square", await page.Locator("#status").InnerTextAsync());

        // Space skips without storing anything; the arrow key comes back.
        await page.Keyboard.PressAsync("Space");
        await page.WaitForSelectorAsync($"body[data-current='{LabelIds.ForItem("unlabeled/c.png")}']");
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.WaitForSelectorAsync($"body[data-current='{second}']");
        await page.Locator("#classes button[data-label='circle']").ClickAsync();
        await page.WaitForSelectorAsync($"body[data-current='{LabelIds.ForItem("unlabeled/c.png")}']");
        Assert.Equal(2, (await fixture.Registry.Store.ListLabelsAsync(name)).Count);
        Assert.True(errors.Count == 0, string.Join(" | ", errors));

        string dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        var shot = await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "label.png"), FullPage = true });
        Assert.True(shot.Length > 5_000, $"screenshot of {shot.Length} bytes");
    }

    [Fact]
    public async Task LabelPage_WithoutKey_ShowsHowToGetOne()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing.");
        var address = await fixture.StartKestrelAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Timeout = 15_000 });
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(new Uri(address, "/label").ToString());
        Assert.Equal(401, response!.Status);
        Assert.Contains("lepton keys create --name labeler --scopes feedback", await page.Locator("main").InnerTextAsync());
    }
}
