using System.Text.RegularExpressions;
using Lepton.Data.Charts;

namespace Lepton.Data.Tests.Charts;

public sealed class SvgLineChartTests
{
    private static readonly ChartOptions Options = new("Loss <train>", "epoch", "loss");

    private static List<string> Paths(string svg) =>
        [.. Regex.Matches(svg, "<path class=\"series\"[^>]* d=\"([^\"]*)\"").Select(m => m.Groups[1].Value)];

    [Fact]
    public void EachSeriesWithPoints_GetsOnePath_AtHandComputedCoordinates()
    {
        // Plot area: x from 56 to 56+448, y from 40 (top) to 40+176 (bottom); (0,0) is bottom-left, (1,1) top-right.
        var svg = SvgLineChart.Render(Options, [
            new ChartSeries("a", [new(0, 0), new(1, 1)]),
            new ChartSeries("b", [new(0, 1), new(0.5, 0.5), new(1, 0)]),
            new ChartSeries("empty", []),
        ]);
        var paths = Paths(svg);
        Assert.Equal(2, paths.Count);
        Assert.Equal("M56 216 L504 40", paths[0]);
        Assert.Equal("M56 40 L280 128 L504 216", paths[1]);
        Assert.Contains("data-series=\"a\"", svg);
        Assert.Contains(">epoch</text>", svg);
        Assert.Contains(">loss</text>", svg);
        Assert.DoesNotContain("<script", svg);
    }

    [Fact]
    public void Texts_AreHtmlEncoded()
    {
        var svg = SvgLineChart.Render(Options with { Thresholds = [new ChartThreshold(0.5, "PSI \"alert\" & up")] },
            [new ChartSeries("val <loss>", [new(0, 0), new(1, 1)])]);
        Assert.Contains("Loss &lt;train&gt;", svg);
        Assert.Contains("val &lt;loss&gt;", svg);
        Assert.Contains("PSI &quot;alert&quot; &amp; up", svg);
        Assert.DoesNotContain("<train>", svg);
        Assert.DoesNotContain("<loss>", svg);
    }

    [Fact]
    public void Threshold_IsADashedLineAtItsValue()
    {
        var svg = SvgLineChart.Render(Options with { YMin = 0, YMax = 1, Thresholds = [new ChartThreshold(0.25, "0.2 threshold")] },
            [new ChartSeries("psi", [new(0, 0), new(1, 1)])]);
        // y = 40 + 176 - 0.25 * 176 = 172.
        Assert.Matches("<line class=\"threshold\" x1=\"56\" x2=\"504\" y1=\"172\" y2=\"172\"", svg);
    }

    [Fact]
    public void NonFinitePoints_BreakTheLine_AndALonePointStillDraws()
    {
        var broken = Paths(SvgLineChart.Render(Options, [new ChartSeries("a", [new(0, 0), new(1, double.NaN), new(2, 1), new(3, 0)])]));
        Assert.Equal("M56 216 M354.7 40 L504 216", broken.Single());
        var lone = Paths(SvgLineChart.Render(Options, [new ChartSeries("a", [new(2, 3)])]));
        Assert.Single(lone);
        Assert.StartsWith("M", lone[0]);
        Assert.Contains(" L", lone[0]);
    }

    [Fact]
    public void WholeX_PutsTicksOnWholeNumbersOnly()
    {
        var series = new ChartSeries("loss", [new(1, 1), new(2, 0.5), new(3, 0.2)]);
        var whole = SvgLineChart.Render(Options with { WholeX = true }, [series]);
        Assert.Equal(["1", "2", "3"], Regex.Matches(whole, "y=\"232\" text-anchor=\"middle\" stroke=\"none\" fill=\"#374151\">([^<]*)<").Select(m => m.Groups[1].Value));
        Assert.Contains(">1.5<", SvgLineChart.Render(Options, [series]));
    }

    [Theory]
    [InlineData(-226046, 50675, "-200000 -150000 -100000 -50000 0 50000")]
    [InlineData(0, 1, "0 0.2 0.4 0.6 0.8 1")]
    [InlineData(88710, 737590, "100000 200000 300000 400000 500000 600000 700000")]
    [InlineData(-0.37, 0.41, "-0.2 0 0.2 0.4")]
    [InlineData(3, 3, "3")]
    public void NiceTicks_AreRoundMultiplesInsideTheRange(double min, double max, string expected)
    {
        var ticks = SvgLineChart.NiceTicks(min, max);
        Assert.Equal(expected, string.Join(" ", ticks.Select(t => Math.Round(t, 9).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.All(ticks, t => Assert.InRange(t, min - 1e-9, max + 1e-9));
    }

    [Fact]
    public void AxisLabels_ShortenThousandsAndMillions()
    {
        Assert.Equal("-200k", Svg.Tick(-200000));
        Assert.Equal("1.25M", Svg.Tick(1250000));
        Assert.Equal("5456", Svg.Tick(5456));
        Assert.Equal("0.125", Svg.Tick(0.125));
    }

    [Fact]
    public void NoData_SaysSo()
    {
        var svg = SvgLineChart.Render(Options, [new ChartSeries("a", [])]);
        Assert.Empty(Paths(svg));
        Assert.Contains("no data yet", svg);
    }

    [Theory]
    [InlineData(new double[] { 2, 4 }, null, null, 2, 4)]
    [InlineData(new double[] { 3, 3 }, null, null, 2.7, 3.3)]
    [InlineData(new double[] { 0 }, null, null, -0.5, 0.5)]
    [InlineData(new double[] { }, null, null, 0, 1)]
    [InlineData(new double[] { 0.2, 0.4 }, 0.0, 1.0, 0, 1)]
    public void Range_WidensFlatOrEmptyData(double[] values, double? min, double? max, double expectedMin, double expectedMax)
    {
        var (lo, hi) = SvgLineChart.Range(values, min, max);
        Assert.Equal(expectedMin, lo, 9);
        Assert.Equal(expectedMax, hi, 9);
    }
}
