using System.Globalization;
using System.Text;
using static Lepton.Data.Charts.Svg;

namespace Lepton.Data.Charts;

/// <summary>
/// Title, axis titles and cell size of a heat map; <paramref name="RowNormalized"/> shades each cell by its share of its row
/// (a confusion matrix's recall view) instead of by the largest cell.
/// </summary>
public sealed record HeatmapOptions(string Title, string RowTitle, string ColumnTitle, int Cell = 44, int LabelWidth = 120,
    bool RowNormalized = true, IReadOnlyDictionary<string, string>? Data = null);

/// <summary>
/// Renders a matrix of counts (e.g. a confusion matrix: rows true classes, columns predicted) as an inline SVG heat map with
/// the count in each cell; each cell <c>rect</c> has class <c>cell</c>, <c>data-row</c>, <c>data-col</c> and <c>data-value</c>.
/// </summary>
public static class SvgHeatmap
{
    public static string Render(HeatmapOptions options, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, IReadOnlyList<IReadOnlyList<long>> values)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (values.Count != rowLabels.Count || values.Any(r => r.Count != columnLabels.Count))
            throw new ArgumentException($"SvgHeatmap: {values.Count} rows of values for {rowLabels.Count} row labels and {columnLabels.Count} columns; give one value per row and column.");
        int cell = options.Cell, left = options.LabelWidth + 20, top = 64 + options.LabelWidth / 2;
        int width = left + columnLabels.Count * cell + 60, height = top + rowLabels.Count * cell + 10;
        long max = Math.Max(1, values.SelectMany(r => r).DefaultIfEmpty(0).Max());
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart heatmap\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{Encode(options.Title)}\"");
        AppendData(svg, options.Data).Append('>').Append($"<title>{Encode(options.Title)}</title>")
            .Append($"<text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"600\">{Encode(options.Title)}</text>")
            .Append($"<text x=\"{N(left + columnLabels.Count * cell / 2.0)}\" y=\"34\" text-anchor=\"middle\" font-size=\"12\">{Encode(options.ColumnTitle)}</text>")
            .Append($"<text x=\"12\" y=\"{N(top + rowLabels.Count * cell / 2.0)}\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 12 {N(top + rowLabels.Count * cell / 2.0)})\">{Encode(options.RowTitle)}</text>");
        for (int c = 0; c < columnLabels.Count; c++)
        {
            double x = left + c * cell + cell / 2.0;
            svg.Append($"<text x=\"{N(x)}\" y=\"{top - 6}\" font-size=\"11\" transform=\"rotate(-45 {N(x)} {top - 6})\">{Encode(Short(columnLabels[c]))}</text>");
        }
        for (int r = 0; r < rowLabels.Count; r++)
        {
            int y = top + r * cell;
            long rowSum = Math.Max(1, values[r].Sum());
            svg.Append($"<text x=\"{left - 6}\" y=\"{y + cell / 2 + 4}\" text-anchor=\"end\" font-size=\"11\">{Encode(Short(rowLabels[r]))}</text>");
            for (int c = 0; c < columnLabels.Count; c++)
            {
                long v = values[r][c];
                double share = options.RowNormalized ? (double)v / rowSum : (double)v / max;
                bool dark = share > 0.55;
                svg.Append($"<rect class=\"cell\" x=\"{left + c * cell}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill=\"{Shade(share, r == c)}\" stroke=\"#fff\" ")
                    .Append(CultureInfo.InvariantCulture, $"data-row=\"{r}\" data-col=\"{c}\" data-value=\"{v}\"><title>{Encode($"{rowLabels[r]} → {columnLabels[c]}: {v}")}</title></rect>")
                    .Append(CultureInfo.InvariantCulture, $"<text x=\"{N(left + c * cell + cell / 2.0)}\" y=\"{y + cell / 2 + 4}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{(dark ? "#fff" : "#111827")}\" pointer-events=\"none\">{v}</text>");
            }
        }
        return svg.Append("</svg>").ToString();
    }

    // Blue for the diagonal (right), red off it (wrong), from white at 0 to full at 1.
    private static string Shade(double share, bool diagonal)
    {
        share = Math.Clamp(double.IsFinite(share) ? share : 0, 0, 1);
        var (r, g, b) = diagonal ? (37, 99, 235) : (220, 38, 38);
        int Mix(int full) => (int)Math.Round(255 + (full - 255) * share);
        return $"#{Mix(r):x2}{Mix(g):x2}{Mix(b):x2}";
    }

    private static string Short(string label) => label.Length > 18 ? label[..17] + "…" : label;
}
