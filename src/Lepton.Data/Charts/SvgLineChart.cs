using System.Text;
using static Lepton.Data.Charts.Svg;

namespace Lepton.Data.Charts;

/// <summary>
/// Renders line charts as self-contained inline SVG (no scripts, no external assets): axes with ticks, axis labels,
/// a legend, one <c>path</c> per series (class <c>series</c>, <c>data-series</c> its name), dashed threshold lines and an
/// optional diagonal. Every text is HTML-encoded.
/// </summary>
public static class SvgLineChart
{
    /// <summary>Series colours (see <see cref="Svg.Palette"/>).</summary>
    public static IReadOnlyList<string> Palette => Svg.Palette;

    private const int Left = 56, Right = 16, Top = 40, Bottom = 44, Ticks = 5;

    /// <summary>Most points a series draws as dots; longer series are plain lines.</summary>
    public const int MaxDots = 40;

    /// <summary>Most dots a scatter series draws; a longer one draws every k-th point (in its order), so a page stays small.</summary>
    public const int MaxScatterDots = 2000;

    public static string Render(ChartOptions options, IReadOnlyList<ChartSeries> series)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(series);
        var thresholds = options.Thresholds ?? [];
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var (xMin, xMax) = Range(points.Select(p => p.X), options.XMin, options.XMax);
        var (yMin, yMax) = Range(points.Select(p => p.Y).Concat(thresholds.Select(t => t.Value)), options.YMin, options.YMax);
        double plotW = options.Width - Left - Right, plotH = options.Height - Top - Bottom;
        double Sx(double x) => Left + (Math.Clamp(x, xMin, xMax) - xMin) / (xMax - xMin) * plotW;
        double Sy(double y) => Top + plotH - (Math.Clamp(y, yMin, yMax) - yMin) / (yMax - yMin) * plotH;

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{options.Width}\" height=\"{options.Height}\" ")
            .Append($"viewBox=\"0 0 {options.Width} {options.Height}\" role=\"img\" aria-label=\"{Encode(options.Title)}\"");
        AppendData(svg, options.Data).Append('>')
            .Append($"<title>{Encode(options.Title)}</title>")
            .Append($"<text x=\"{Left}\" y=\"16\" class=\"chart-title\" font-size=\"13\" font-weight=\"600\">{Encode(options.Title)}</text>");
        AppendAxes(svg, options, xMin, xMax, yMin, yMax, Sx, Sy);
        if (options.Diagonal)
            svg.Append($"<line class=\"diagonal\" x1=\"{Left}\" y1=\"{N(Top + plotH)}\" x2=\"{N(Left + plotW)}\" y2=\"{Top}\" stroke=\"#9ca3af\" stroke-dasharray=\"4 4\"/>");
        foreach (var t in thresholds)
        {
            string y = N(Sy(t.Value));
            svg.Append($"<line class=\"threshold\" x1=\"{Left}\" x2=\"{N(Left + plotW)}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#b91c1c\" stroke-dasharray=\"6 4\"/>")
                .Append($"<text x=\"{N(Left + plotW - 4)}\" y=\"{N(Sy(t.Value) - 4)}\" text-anchor=\"end\" font-size=\"11\" fill=\"#b91c1c\">{Encode(t.Label)}</text>");
        }
        for (int i = 0; i < series.Count; i++)
            if (options.Scatter) AppendDots(svg, series[i], Palette[i % Palette.Count], Sx, Sy);
            else AppendSeries(svg, series[i], Palette[i % Palette.Count], Sx, Sy);
        if (points.Count == 0)
            svg.Append($"<text x=\"{N(Left + plotW / 2)}\" y=\"{N(Top + plotH / 2)}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#6b7280\">no data yet</text>");
        AppendLegend(svg, series, options.Width);
        return svg.Append("</svg>").ToString();
    }

    private static void AppendAxes(StringBuilder svg, ChartOptions o, double xMin, double xMax, double yMin, double yMax,
        Func<double, double> sx, Func<double, double> sy)
    {
        double bottom = o.Height - Bottom, right = o.Width - Right;
        svg.Append($"<g class=\"axes\" stroke=\"#9ca3af\" font-size=\"11\"><line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{N(bottom)}\"/>")
            .Append($"<line x1=\"{Left}\" y1=\"{N(bottom)}\" x2=\"{N(right)}\" y2=\"{N(bottom)}\"/>");
        foreach (double y in NiceTicks(yMin, yMax))
        {
            double py = sy(y);
            svg.Append($"<line x1=\"{Left - 4}\" x2=\"{N(right)}\" y1=\"{N(py)}\" y2=\"{N(py)}\" stroke=\"#e5e7eb\"/>")
                .Append($"<text x=\"{Left - 6}\" y=\"{N(py + 4)}\" text-anchor=\"end\" stroke=\"none\" fill=\"#374151\">{Encode(Tick(y))}</text>");
        }
        foreach (double x in XTicks(o, xMin, xMax))
        {
            string label = o.FormatX is { } f ? f(x) : Tick(x);
            svg.Append($"<line x1=\"{N(sx(x))}\" x2=\"{N(sx(x))}\" y1=\"{N(bottom)}\" y2=\"{N(bottom + 4)}\"/>")
                .Append($"<text x=\"{N(sx(x))}\" y=\"{N(bottom + 16)}\" text-anchor=\"middle\" stroke=\"none\" fill=\"#374151\">{Encode(label)}</text>");
        }
        svg.Append($"<text x=\"{N(Left + (right - Left) / 2)}\" y=\"{N(o.Height - 6)}\" text-anchor=\"middle\" stroke=\"none\" fill=\"#111827\">{Encode(o.XLabel)}</text>")
            .Append($"<text x=\"14\" y=\"{N(Top + (bottom - Top) / 2)}\" text-anchor=\"middle\" stroke=\"none\" fill=\"#111827\" ")
            .Append($"transform=\"rotate(-90 14 {N(Top + (bottom - Top) / 2)})\">{Encode(o.YLabel)}</text></g>");
    }

    private static void AppendSeries(StringBuilder svg, ChartSeries s, string color, Func<double, double> sx, Func<double, double> sy)
    {
        var d = new StringBuilder();
        bool pen = false;
        var finite = new List<ChartPoint>();
        foreach (var p in s.Points.OrderBy(p => p.X))
        {
            if (!double.IsFinite(p.X) || !double.IsFinite(p.Y))
            {
                pen = false;
                continue;
            }
            d.Append(pen ? " L" : (d.Length == 0 ? "M" : " M")).Append(N(sx(p.X))).Append(' ').Append(N(sy(p.Y)));
            pen = true;
            finite.Add(p);
        }
        if (finite.Count == 0) return;
        // A lone point still needs a visible path: a zero-length segment, drawn by its round cap.
        if (finite.Count == 1) d.Append(" L").Append(N(sx(finite[0].X))).Append(' ').Append(N(sy(finite[0].Y)));
        svg.Append($"<path class=\"series\" data-series=\"{Encode(s.Name)}\" d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>");
        foreach (var p in finite.Count <= MaxDots ? finite : [])
            svg.Append($"<circle cx=\"{N(sx(p.X))}\" cy=\"{N(sy(p.Y))}\" r=\"2.5\" fill=\"{color}\"><title>{Encode($"{s.Name}: {Tick(p.Y)}")}</title></circle>");
    }

    private static void AppendDots(StringBuilder svg, ChartSeries s, string color, Func<double, double> sx, Func<double, double> sy)
    {
        var finite = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        int stride = Math.Max(1, (finite.Count + MaxScatterDots - 1) / MaxScatterDots);
        svg.Append($"<g class=\"series scatter\" data-series=\"{Encode(s.Name)}\" data-points=\"{finite.Count}\" fill=\"{color}\" fill-opacity=\"0.6\">");
        for (int i = 0; i < finite.Count; i += stride)
            svg.Append($"<circle cx=\"{N(sx(finite[i].X))}\" cy=\"{N(sy(finite[i].Y))}\" r=\"2.5\"/>");
        svg.Append("</g>");
    }

    private static void AppendLegend(StringBuilder svg, IReadOnlyList<ChartSeries> series, int width)
    {
        double x = width - Right;
        svg.Append("<g class=\"legend\" font-size=\"11\">");
        for (int i = series.Count - 1; i >= 0; i--)
        {
            string name = series[i].Name;
            x -= 22 + 6.5 * name.Length;
            svg.Append($"<line x1=\"{N(x)}\" x2=\"{N(x + 14)}\" y1=\"28\" y2=\"28\" stroke=\"{Palette[i % Palette.Count]}\" stroke-width=\"3\"/>")
                .Append($"<text x=\"{N(x + 18)}\" y=\"32\" fill=\"#111827\">{Encode(name)}</text>");
        }
        svg.Append("</g>");
    }

    private static IEnumerable<double> XTicks(ChartOptions o, double min, double max)
    {
        if (!o.WholeX) return NiceTicks(min, max);
        double step = Math.Max(1, Math.Ceiling((max - min) / Ticks));
        var ticks = new List<double>();
        for (double x = Math.Ceiling(min); x <= max; x += step) ticks.Add(x);
        return ticks;
    }

    /// <summary>
    /// About <see cref="Ticks"/> round values inside [min, max]: multiples of 1, 2, 2.5 or 5 times a power of ten (-200k,
    /// -150k, ... rather than -226,046, -170,702, ...), so a reader can interpolate; the scale itself stays as it is.
    /// </summary>
    internal static IReadOnlyList<double> NiceTicks(double min, double max)
    {
        double raw = (max - min) / Ticks;
        if (!(raw > 0) || !double.IsFinite(raw)) return [min];
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * power).MinBy(s => Math.Abs(Math.Log(s / raw)));
        var ticks = new List<double>();
        double first = Math.Ceiling(min / step - 1e-9);
        for (int i = 0; (first + i) * step <= max + step * 1e-9; i++)
            ticks.Add(first + i == 0 ? 0 : (first + i) * step);
        return ticks;
    }

    /// <summary>Bounds of the values (or the fixed ones), widened when empty or flat so the scale never divides by zero.</summary>
    internal static (double Min, double Max) Range(IEnumerable<double> values, double? fixedMin, double? fixedMax)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values.Where(double.IsFinite))
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (fixedMin is { } a) min = a;
        if (fixedMax is { } b) max = b;
        if (!double.IsFinite(min) && !double.IsFinite(max)) (min, max) = (0, 1);
        else if (!double.IsFinite(min)) min = max - 1;
        else if (!double.IsFinite(max)) max = min + 1;
        if (max <= min)
        {
            double pad = Math.Abs(min) > 0 ? Math.Abs(min) * 0.1 : 0.5;
            (min, max) = (fixedMin is null ? min - pad : min, fixedMax is null ? max + pad : min + 2 * pad);
        }
        return (min, max);
    }
}
