using System.Text;
using static Lepton.Data.Charts.Svg;

namespace Lepton.Data.Charts;

/// <summary>One histogram series: its name and the values it counts (non-finite ones are skipped).</summary>
public sealed record HistogramSeries(string Name, IReadOnlyList<double> Values);

/// <summary>Title, size and bin count of a histogram; <paramref name="Format"/> writes the axis ends (default: the number).</summary>
public sealed record HistogramOptions(string Title, int Width = 280, int Height = 96, int Bins = 20, Func<double, string>? Format = null);

/// <summary>
/// Renders a histogram as inline SVG: equal-width bins between the smallest and largest value of all series, each series drawn
/// as its share of its own values per bin (so a small test split overlays a large training split), the ends labelled under the
/// axis. Each <c>rect</c> has class <c>bin</c> and <c>data-series</c>, <c>data-from</c>, <c>data-to</c>, <c>data-count</c>.
/// </summary>
public static class SvgHistogram
{
    private const int AxisHeight = 16;

    public static string Render(HistogramOptions options, IReadOnlyList<HistogramSeries> series)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(series);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var s in series)
            foreach (var v in s.Values)
                if (double.IsFinite(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart histogram\" width=\"{options.Width}\" height=\"{options.Height}\" viewBox=\"0 0 {options.Width} {options.Height}\" role=\"img\" aria-label=\"{Encode(options.Title)}\">")
            .Append($"<title>{Encode(options.Title)}</title>");
        if (min > max) return svg.Append($"<text x=\"4\" y=\"{options.Height / 2}\" font-size=\"12\" fill=\"#888\">no values</text></svg>").ToString();

        // bins: (N,) equal-width over [min, max]; one bin when every value is the same.
        int bins = min == max ? 1 : Math.Max(1, options.Bins);
        double width = (max - min) / bins;
        var counts = new long[series.Count][];
        var totals = new long[series.Count];
        double top = 0;
        for (int s = 0; s < series.Count; s++)
        {
            counts[s] = new long[bins];
            foreach (var v in series[s].Values)
            {
                if (!double.IsFinite(v)) continue;
                int b = width > 0 ? Math.Min(bins - 1, (int)((v - min) / width)) : 0;
                counts[s][b]++;
                totals[s]++;
            }
            for (int b = 0; b < bins && totals[s] > 0; b++) top = Math.Max(top, (double)counts[s][b] / totals[s]);
        }
        double plotHeight = options.Height - AxisHeight - 2, barWidth = (double)options.Width / bins;
        for (int s = 0; s < series.Count; s++)
        {
            string fill = Palette[s % Palette.Count];
            for (int b = 0; b < bins; b++)
            {
                if (counts[s][b] == 0) continue;
                double h = counts[s][b] / (double)totals[s] / top * plotHeight;
                svg.Append($"<rect class=\"bin\" x=\"{N(b * barWidth)}\" y=\"{N(2 + plotHeight - h)}\" width=\"{N(Math.Max(1, barWidth - 1))}\" height=\"{N(h)}\" fill=\"{fill}\" fill-opacity=\"{(series.Count > 1 ? "0.55" : "1")}\"")
                    .Append($" data-series=\"{Encode(series[s].Name)}\" data-from=\"{Exact(min + b * width)}\" data-to=\"{Exact(b == bins - 1 ? max : min + (b + 1) * width)}\" data-count=\"{counts[s][b]}\"/>");
            }
        }
        var format = options.Format ?? Tick;
        int baseline = options.Height - AxisHeight;
        svg.Append($"<line x1=\"0\" y1=\"{baseline}\" x2=\"{options.Width}\" y2=\"{baseline}\" stroke=\"#999\"/>")
            .Append($"<text x=\"0\" y=\"{options.Height - 3}\" font-size=\"11\">{Encode(format(min))}</text>")
            .Append($"<text x=\"{options.Width}\" y=\"{options.Height - 3}\" font-size=\"11\" text-anchor=\"end\">{Encode(format(max))}</text>");
        if (series.Count > 1)
        {
            int x = options.Width;
            for (int s = series.Count - 1; s >= 0; s--)
            {
                svg.Append($"<text x=\"{x}\" y=\"11\" font-size=\"11\" text-anchor=\"end\" fill=\"{Palette[s % Palette.Count]}\">{Encode(series[s].Name)}</text>");
                x -= 8 * series[s].Name.Length + 10;
            }
        }
        return svg.Append("</svg>").ToString();
    }
}
