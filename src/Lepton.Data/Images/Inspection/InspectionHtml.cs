using System.Globalization;
using System.Net;
using System.Text;
using Lepton.Data.Charts;
using Lepton.Data.Formats;
using Lepton.Data.Images.Datasets;

namespace Lepton.Data.Images.Inspection;

/// <summary>
/// Renders an <see cref="InspectionReport"/> as one self-contained HTML page: counts per kind, a class balance bar chart
/// (inline SVG), and per finding its sentence and files with small thumbnails (PNG, base64) from the stored pixels, so a
/// person can look. Thumbnails are capped (<see cref="MaxThumbnailsPerFinding"/>, <see cref="MaxThumbnails"/>) so a report
/// on a large data set stays a few megabytes; the file names are always listed in full.
/// </summary>
public static class InspectionHtml
{
    public const int ThumbnailSide = 64;
    public const int MaxThumbnailsPerFinding = 8;
    public const int MaxThumbnails = 400;

    public static string Render(InspectionReport report, ImageManifest manifest, IImagePixelSource? pixels)
    {
        var byPath = manifest.Items.ToDictionary(i => i.Path, StringComparer.Ordinal);
        var html = new StringBuilder();
        string title = $"Inspection of {report.Dataset ?? "a data set"}";
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{padding:.2em .8em;text-align:left;border-bottom:1px solid #ddd}")
            .Append(".finding{margin:1em 0;padding:.6em;border-left:4px solid #c33;background:#fafafa}.kind{font-weight:bold;color:#c33}")
            .Append(".thumbs{display:flex;flex-wrap:wrap;gap:.5em;margin-top:.4em}.thumbs figure{margin:0;font-size:.75em;max-width:96px;word-break:break-all}")
            .Append("img{image-rendering:pixelated;border:1px solid #ccc}</style></head><body>");
        html.Append("<h1>").Append(E(title)).Append("</h1>");
        html.Append("<p>").Append(report.Items).Append(" items, ").Append(report.Findings.Count).Append(" findings.</p>");

        html.Append("<h2>Summary</h2><table><tr><th>kind</th><th>findings</th></tr>");
        foreach (var kind in InspectionKinds.All)
            html.Append("<tr><td>").Append(kind).Append("</td><td>").Append(report.CountsByKind.GetValueOrDefault(kind)).Append("</td></tr>");
        html.Append("</table>");

        html.Append("<h2>Class balance</h2>").Append(BarChart(report.ClassCounts));

        html.Append("<h2>Findings</h2>");
        if (report.Findings.Count == 0) html.Append("<p>No problems found.</p>");
        int thumbnails = 0;
        foreach (var f in report.Findings)
        {
            html.Append("<div class=\"finding\"><span class=\"kind\">").Append(E(f.Kind)).Append("</span> ").Append(E(f.Message));
            if (f.Files.Count > 0)
            {
                html.Append("<div class=\"thumbs\">");
                foreach (var (path, i) in f.Files.Select((p, i) => (p, i)))
                {
                    html.Append("<figure>");
                    if (pixels is not null && i < MaxThumbnailsPerFinding && thumbnails < MaxThumbnails
                        && byPath.TryGetValue(path, out var item) && item.IsReadable)
                    {
                        html.Append("<img alt=\"\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(Thumbnail(item, pixels))).Append("\">");
                        thumbnails++;
                    }
                    var split = byPath.GetValueOrDefault(path);
                    html.Append("<figcaption>").Append(E(path));
                    if (split?.Label is { } label) html.Append(" [").Append(E(label)).Append(']');
                    html.Append("</figcaption></figure>");
                }
                html.Append("</div>");
            }
            html.Append("</div>");
        }
        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>A PNG of the item's stored pixels, shrunk to fit <see cref="ThumbnailSide"/>.</summary>
    internal static byte[] Thumbnail(ImageItem item, IImagePixelSource pixels)
    {
        var layout = pixels.Layout;
        var hwc = new byte[layout.ImageBytes];
        pixels.Read(item, hwc);
        int c = layout.Channels;
        double scale = Math.Min(1.0, (double)ThumbnailSide / Math.Max(layout.Width, layout.Height));
        int w = Math.Max(1, (int)Math.Round(layout.Width * scale)), h = Math.Max(1, (int)Math.Round(layout.Height * scale));
        if (w == layout.Width && h == layout.Height) return PngEncoder.Encode(new PngImage(w, h, c, hwc));
        var chw = new float[c * w * h];
        ImageResize.Bilinear(hwc, layout.Width, layout.Height, c, chw, w, h);
        var small = new byte[w * h * c];
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < w * h; p++) small[p * c + ch] = (byte)Math.Clamp(MathF.Round(chw[ch * w * h + p]), 0, 255);
        return PngEncoder.Encode(new PngImage(w, h, c, small));
    }

    private static string BarChart(IReadOnlyDictionary<string, int> counts)
    {
        if (counts.Count == 0) return "<p>No labelled images.</p>";
        return SvgBarChart.Render(new BarChartOptions("images per class"),
            [.. counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new Bar(kv.Key, kv.Value, kv.Value.ToString(CultureInfo.InvariantCulture)))]);
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
