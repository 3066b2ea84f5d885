using System.Text.RegularExpressions;
using Lepton.Data.Charts;

namespace Lepton.Data.Tests.Charts;

public sealed class SvgChartsTests
{
    [Fact]
    public void Heatmap_OneCellPerValue_WithItsRowColumnAndValue()
    {
        var svg = SvgHeatmap.Render(new HeatmapOptions("Confusion <matrix>", "true", "predicted", Data: new Dictionary<string, string> { ["chart"] = "confusion" }),
            ["cat", "dog"], ["cat", "dog"], [[5, 1], [2, 6]]);
        var cells = Regex.Matches(svg, "<rect class=\"cell\"[^>]*data-row=\"(\\d+)\" data-col=\"(\\d+)\" data-value=\"(\\d+)\"")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();
        Assert.Equal([("0", "0", "5"), ("0", "1", "1"), ("1", "0", "2"), ("1", "1", "6")], cells);
        Assert.Contains("data-chart=\"confusion\"", svg);
        Assert.Contains("Confusion &lt;matrix&gt;", svg);
        // Row-normalized shading: cat's diagonal holds 5 of 6, dog's 6 of 8, so cat's is the darker blue (less red).
        var fills = Regex.Matches(svg, "<rect class=\"cell\"[^>]* fill=\"#([0-9a-f]{6})\"").Select(m => Convert.ToInt32(m.Groups[1].Value[..2], 16)).ToList();
        Assert.True(fills[0] < fills[3], $"red channel of the diagonal cells: {fills[0]} vs {fills[3]}");
        Assert.Throws<ArgumentException>(() => SvgHeatmap.Render(new HeatmapOptions("x", "r", "c"), ["a"], ["a", "b"], [[1]]));
    }

    [Fact]
    public void BarChart_BarLengthsAreProportional_AndValuesReadBack()
    {
        var svg = SvgBarChart.Render(new BarChartOptions("per class", BarWidth: 400, Max: 1), [new Bar("a", 0.5), new Bar("b & c", 1)]);
        var widths = Regex.Matches(svg, "<rect class=\"bar\"[^>]* width=\"([0-9.]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["200", "400"], widths);
        Assert.Contains("data-label=\"b &amp; c\" data-value=\"1\"", svg);
        Assert.Contains("data-value=\"0.5\"", svg);
    }

    [Fact]
    public void LineChart_DataAttributesAndDiagonal_AreWritten_AndBadKeysRefused()
    {
        var options = new ChartOptions("ROC", "fpr", "tpr", XMin: 0, XMax: 1, YMin: 0, YMax: 1, Diagonal: true,
            Data: new Dictionary<string, string> { ["chart"] = "roc", ["auc"] = Svg.Exact(0.1 + 0.2) });
        var svg = SvgLineChart.Render(options, [new ChartSeries("a", [new(0, 0), new(0.5, 1)])]);
        Assert.Contains("data-chart=\"roc\" data-auc=\"0.30000000000000004\"", svg);
        // Fixed X bounds: x = 0.5 is the middle of the 448-wide plot.
        Assert.Contains("d=\"M56 216 L280 40\"", svg);
        Assert.Contains("<line class=\"diagonal\" x1=\"56\" y1=\"216\" x2=\"504\" y2=\"40\"", svg);
        Assert.Throws<ArgumentException>(() => SvgLineChart.Render(options with { Data = new Dictionary<string, string> { ["Bad Key"] = "1" } }, []));
    }

    [Fact]
    public void ScatterChart_DrawsUnjoinedDots_ThinnedToTheCap()
    {
        var few = new ChartSeries("rows", [new ChartPoint(1, -1), new ChartPoint(2, 0.5), new ChartPoint(3, double.NaN)]);
        string svg = SvgLineChart.Render(new ChartOptions("residuals", "predicted", "residual", Scatter: true), [few]);
        Assert.Contains("<g class=\"series scatter\" data-series=\"rows\" data-points=\"2\"", svg);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(svg, "<circle"));
        Assert.DoesNotContain("<path class=\"series\"", svg);

        var many = new ChartSeries("rows", [.. Enumerable.Range(0, 5000).Select(i => new ChartPoint(i, i % 7))]);
        svg = SvgLineChart.Render(new ChartOptions("residuals", "predicted", "residual", Scatter: true), [many]);
        int dots = System.Text.RegularExpressions.Regex.Count(svg, "<circle");
        Assert.InRange(dots, SvgLineChart.MaxScatterDots / 2, SvgLineChart.MaxScatterDots);
    }
}
