using Lepton.Data.Formats;
using Lepton.Data.Images.Inspection;

namespace Lepton.Data.Tests.Images.Inspection;

public sealed class InspectionHtmlTests
{
    [Fact]
    public void Render_PlantedReport_SummaryChartAndDecodableThumbnails()
    {
        var (s, _) = PlantedDataset.Build();
        var report = ImageDatasetInspector.Inspect(s.Manifest, s.Source, dataset: "pets@1");
        var html = InspectionHtml.Render(report, s.Manifest, s.Source);

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("Inspection of pets@1", html);
        Assert.Contains("<svg", html);
        Assert.Contains(">fox</text>", html);
        Assert.Contains("train/dog/near-a.jpg", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
        // Every finding's readable file gets a thumbnail; the first one decodes to the stored pixels.
        var start = html.IndexOf("data:image/png;base64,", StringComparison.Ordinal) + "data:image/png;base64,".Length;
        var b64 = html[start..html.IndexOf('"', start)];
        var png = Lepton.Data.Images.ImageToTensor.Decode(Convert.FromBase64String(b64), "thumbnail.png");
        Assert.Equal((SyntheticImages.Side, SyntheticImages.Side, 3), (png.Width, png.Height, png.Channels));
        int readableFiles = report.Findings.SelectMany(f => f.Files).Count(p => s.Manifest.Items.First(i => i.Path == p).IsReadable);
        Assert.Equal(readableFiles, CountOf(html, "data:image/png;base64,"));
    }

    [Fact]
    public void Render_LabelWithMarkup_IsEscaped()
    {
        var s = new SyntheticImages(1, ["<b>x</b>", "y"]);
        s.Add("a.png", s.Random(), "<b>x</b>", null);
        s.Add("b.png", s.PixelsOf("a.png"), "<b>x</b>", null);
        var html = InspectionHtml.Render(ImageDatasetInspector.Inspect(s.Manifest, s.Source), s.Manifest, s.Source);
        Assert.DoesNotContain("<b>x</b>", html);
        Assert.Contains("&lt;b&gt;x&lt;/b&gt;", html);
    }

    private static int CountOf(string text, string part)
    {
        int n = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
