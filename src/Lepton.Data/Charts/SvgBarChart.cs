using System.Text;
using static Lepton.Data.Charts.Svg;

namespace Lepton.Data.Charts;

/// <summary>One bar: its label, its length, the text written after it (default: the value) and <c>data-*</c> attributes of its <c>rect</c>.</summary>
public sealed record Bar(string Label, double Value, string? Text = null, IReadOnlyDictionary<string, string>? Data = null);

/// <summary>Title and sizes of a horizontal bar chart; <paramref name="Max"/> fixes the full-length value (else the largest bar's).</summary>
public sealed record BarChartOptions(string Title, int LabelWidth = 160, int BarWidth = 400, int BarHeight = 20, double? Max = null,
    IReadOnlyDictionary<string, string>? Data = null);

/// <summary>
/// Renders horizontal bars as inline SVG: a label left of each bar, the value right of it; each <c>rect</c> has class
/// <c>bar</c>, <c>data-label</c> and <c>data-value</c> (exact), so a page's numbers can be read back from the DOM.
/// </summary>
public static class SvgBarChart
{
    public static string Render(BarChartOptions options, IReadOnlyList<Bar> bars)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(bars);
        double max = options.Max ?? bars.Select(b => b.Value).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        if (!(max > 0)) max = 1;
        // Room right of the longest bar for the longest text (about 7.5 px a character at 13 px), so no text is cut off.
        int textRoom = Math.Max(70, 12 + (int)Math.Ceiling(7.5 * bars.Select(b => (b.Text ?? Tick(b.Value)).Length).DefaultIfEmpty(0).Max()));
        int step = options.BarHeight + 4, width = options.LabelWidth + options.BarWidth + textRoom, height = bars.Count * step + 4;
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart bars\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{Encode(options.Title)}\"");
        AppendData(svg, options.Data).Append('>').Append($"<title>{Encode(options.Title)}</title>");
        int y = 2;
        foreach (var bar in bars)
        {
            double value = double.IsFinite(bar.Value) ? Math.Max(0, bar.Value) : 0;
            double w = Math.Min(1, value / max) * options.BarWidth;
            int text = y + options.BarHeight / 2 + 5;
            svg.Append($"<text x=\"{options.LabelWidth - 6}\" y=\"{text}\" text-anchor=\"end\" font-size=\"13\">{Encode(bar.Label)}</text>")
                .Append($"<rect class=\"bar\" x=\"{options.LabelWidth}\" y=\"{y}\" width=\"{N(w)}\" height=\"{options.BarHeight}\" fill=\"{Palette[0]}\" data-label=\"{Encode(bar.Label)}\" data-value=\"{Exact(bar.Value)}\"");
            AppendData(svg, bar.Data).Append("/>")
                .Append($"<text x=\"{N(options.LabelWidth + w + 6)}\" y=\"{text}\" font-size=\"13\">{Encode(bar.Text ?? Tick(bar.Value))}</text>");
            y += step;
        }
        return svg.Append("</svg>").ToString();
    }
}
