namespace Lepton.Data.Charts;

/// <summary>One point of a chart series; non-finite values break the line.</summary>
public readonly record struct ChartPoint(double X, double Y);

/// <summary>A named line of a chart.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points);

/// <summary>A horizontal reference line (e.g. the 0.2 PSI alert threshold).</summary>
public sealed record ChartThreshold(double Value, string Label);

/// <summary>
/// Title, axis labels and size of a chart; fixed axis bounds when given (else taken from the data and thresholds);
/// <paramref name="FormatX"/> writes X tick labels (default: the number), e.g. times as HH:mm; <paramref name="WholeX"/> puts X ticks
/// on whole numbers only (epochs); <paramref name="Diagonal"/> draws a dashed line from the bottom-left to the top-right corner
/// (chance on a ROC curve, perfect calibration on a reliability diagram); <paramref name="Data"/> becomes <c>data-*</c>
/// attributes of the <c>svg</c> element, so pages and tests can read a chart's numbers back from the DOM; <paramref name="Scatter"/>
/// draws each series as unjoined dots (a residual plot), at most <see cref="SvgLineChart.MaxScatterDots"/> of them.
/// </summary>
public sealed record ChartOptions(
    string Title,
    string XLabel,
    string YLabel,
    int Width = 520,
    int Height = 260,
    double? YMin = null,
    double? YMax = null,
    IReadOnlyList<ChartThreshold>? Thresholds = null,
    Func<double, string>? FormatX = null,
    bool WholeX = false,
    double? XMin = null,
    double? XMax = null,
    bool Diagonal = false,
    IReadOnlyDictionary<string, string>? Data = null,
    bool Scatter = false);
