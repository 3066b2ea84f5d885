using System.Text.RegularExpressions;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Html;

namespace Lepton.Reports.Tests;

/// <summary>The page as text: hostile names stay text, nothing external is referenced, and thumbnails are small PNGs.</summary>
public sealed class ReportHtmlTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-report-html-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task ClassNamesWithMarkup_AreEncodedEverywhere_AndThePageReferencesNothingOutside()
    {
        const string prefix = "<img src=x onerror=alert(1)>\"</script>";
        var raw = PatchImages.Make(200, 4, 16, seed: 8, prefix: prefix);
        var data = new ReportData("hostile <b>data</b>", raw, [.. Enumerable.Repeat("test", raw.Count)], "test");
        var model = new ReportModel("model <i>x</i>", PatchImages.WriteModel(Path.Combine(_root, "m"), 4, 16, prefix: prefix));
        var report = await ReportWorkflow.EvaluateAsync(model, data, null, ReportFixture.Options);
        var other = await ReportWorkflow.EvaluateAsync(model with { Name = "twin" }, data, null, ReportFixture.Options);
        foreach (var html in new[] { EvaluationReportHtml.Render(report), ComparisonReportHtml.Render(ComparisonReport.Build(report, other)) })
        {
            Assert.DoesNotContain("<img src=x", html);
            Assert.DoesNotContain("<b>data</b>", html);
            Assert.DoesNotContain("<i>x</i>", html);
            // One script element only: the JSON data block, whose "</script>" inside strings is escaped.
            Assert.Equal(1, Regex.Count(html, "<script"));
            Assert.Equal(1, Regex.Count(html, "</script>"));
            Assert.Contains("<script type=\"application/json\"", html);
            // No external reference of any kind: every src is a data URI, every href an in-page anchor.
            Assert.All(Regex.Matches(html, "src=\"([^\"]*)\"").Select(m => m.Groups[1].Value), src => Assert.StartsWith("data:image/png;base64,", src));
            Assert.All(Regex.Matches(html, "href=\"([^\"]*)\"").Select(m => m.Groups[1].Value), href => Assert.StartsWith("#", href));
            Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal));
            Assert.DoesNotContain("https://", html);
            Assert.Contains("default-src 'none'", html);
        }
    }

    [Fact]
    public async Task ManyClasses_DrawTheCurvesOfThe24Hardest_AndSaySo()
    {
        var raw = PatchImages.Make(600, 30, 18, seed: 2);
        var data = new ReportData("thirty", raw, [.. Enumerable.Repeat("test", raw.Count)], "test");
        var report = await ReportWorkflow.EvaluateAsync(new ReportModel("m", PatchImages.WriteModel(Path.Combine(_root, "m30"), 30, 18)), data, null, ReportFixture.Options);
        string html = EvaluationReportHtml.Render(report);
        var drawn = Regex.Matches(html, "data-chart=\"roc\" data-class=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(24, drawn.Count);
        double worstDrawn = report.Curves.Where(c => drawn.Contains(c.Name)).Max(c => c.RocAuc);
        Assert.All(report.Curves.Where(c => !drawn.Contains(c.Name)), c => Assert.True(c.RocAuc >= worstDrawn));
        Assert.Contains("30 classes: the 24 with the lowest ROC-AUC are drawn", html);
        Assert.Equal(30, Regex.Count(html, "<tr class=\"class\""));
    }

    [Fact]
    public void Thumbnail_OfALargeRgbImage_IsShrunkToFit64Pixels()
    {
        var rgb = new float[3 * 100 * 80];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = i % 256;
        string uri = Thumbnails.DataUri(rgb, 3, 100, 80);
        var png = Lepton.Data.Images.ImageToTensor.Decode(Convert.FromBase64String(uri["data:image/png;base64,".Length..]), "thumbnail.png");
        Assert.Equal((51, 64, 3), (png.Width, png.Height, png.Channels));
    }
}
