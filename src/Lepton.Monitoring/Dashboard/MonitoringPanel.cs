using System.Globalization;
using System.Text;
using Lepton.Data.Charts;
using Lepton.Serving.Http.Dashboard;

namespace Lepton.Monitoring.Dashboard;

/// <summary>
/// What the monitoring panel shows: the window it looks back over, how many time buckets it cuts it into, the PSI alert
/// threshold drawn on the drift chart, and where it sits among the panels.
/// </summary>
public sealed record MonitoringPanelOptions(TimeSpan Window, int Buckets = 24, double PsiThreshold = 0.2, int Order = 10)
{
    /// <summary>The last hour in 24 buckets of 2.5 minutes, with the usual 0.2 PSI threshold.</summary>
    public static MonitoringPanelOptions Default { get; } = new(TimeSpan.FromHours(1));
}

/// <summary>
/// The dashboard panel of monitoring: live accuracy from feedback (a regressor's mean absolute error instead), the coverage of
/// conformal intervals or sets against their level, a weight-column model's weighted score, and drift (input PSI, prediction PSI, with the alert threshold) over time, as inline SVG charts from <see cref="ModelMonitor.TimelineAsync"/>.
/// </summary>
public sealed class MonitoringPanel(ModelMonitor monitor, MonitoringPanelOptions? options = null, TimeProvider? time = null) : IDashboardPanel
{
    private readonly MonitoringPanelOptions _options = options ?? MonitoringPanelOptions.Default;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>A panel looking back over <paramref name="window"/> with the default buckets and threshold.</summary>
    public MonitoringPanel(ModelMonitor monitor, TimeSpan window)
        : this(monitor, MonitoringPanelOptions.Default with { Window = window })
    {
    }

    public string Title => "Drift and live accuracy";

    public int Order => _options.Order;

    public async Task<string> RenderHtmlAsync(string model, CancellationToken ct)
    {
        var window = MonitorWindow.Last(_options.Window, _time.GetUtcNow());
        var points = await monitor.TimelineAsync(model, window, _options.Buckets, ct);
        return Render(model, window, points, _options.PsiThreshold);
    }

    /// <summary>The panel's HTML for a timeline already read (one chart each for accuracy or MAE, and drift, and a summary line).</summary>
    public static string Render(string model, MonitorWindow window, IReadOnlyList<TimelinePoint> points, double psiThreshold)
    {
        string span = Html.Duration(window.Duration);
        if (points.All(p => p.Requests == 0 && p.Labels == 0))
            return $"<p class=\"muted\">No predictions of {Html.E(model)} were logged in the last {Html.E(span)}.</p>";
        long requests = points.Sum(p => p.Requests);
        int labels = points.Sum(p => p.Labels);
        var latest = points.LastOrDefault(p => p.Requests > 0);
        var html = new StringBuilder("<p>Last ").Append(Html.E(span)).Append(": ").Append(Html.Count(requests)).Append(" predictions, ")
            .Append(Html.Count(labels)).Append(" with feedback labels");
        // A regressor's feedback gives an error, not an accuracy: its timeline has MAE and no accuracy.
        bool regression = points.Any(p => p.Mae is not null) && points.All(p => p.Accuracy is null);
        if (points.LastOrDefault(p => p.Accuracy is not null) is { } acc) html.Append(" · latest live accuracy <strong>").Append(Html.Percent(acc.Accuracy)).Append("</strong>");
        if (regression && points.Last(p => p.Mae is not null).Mae is { } mae) html.Append(" · latest live MAE <strong>").Append(Html.Number(mae, 4)).Append("</strong>");
        // Probabilities that drift from what happens: the pooled mean probability against the rate, over the window.
        var calibrated = points.Where(p => p.Calibration is not null).ToList();
        if (calibrated.Count > 0)
        {
            double weight = calibrated.Sum(p => p.Labels), mean = calibrated.Sum(p => p.Calibration!.Value.MeanProbability * p.Labels) / weight,
                rate = calibrated.Sum(p => p.Calibration!.Value.ObservedRate * p.Labels) / weight;
            html.Append(" · mean probability <strong").Append(Math.Abs(mean - rate) > 0.05 ? " class=\"bad\"" : "").Append('>').Append(Html.Percent(mean))
                .Append("</strong> against <strong>").Append(Html.Percent(rate)).Append("</strong> observed");
        }
        if (latest?.InputPsi is { } psi)
            html.Append(" · latest input PSI <strong").Append(psi > psiThreshold ? " class=\"bad\"" : "").Append('>').Append(Html.Number(psi, 3)).Append("</strong>");
        html.Append(".</p><div class=\"charts\">");

        var options = new ChartOptions("", "time (UTC)", "", FormatX: x => DateTimeOffset.FromUnixTimeSeconds((long)Math.Round(x)).UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture));
        html.Append(regression
            ? SvgLineChart.Render(options with { Title = "Live error (mean absolute error from feedback)", YLabel = "MAE", YMin = 0 },
                [Series("live MAE", points, p => p.Mae)])
            : SvgLineChart.Render(options with { Title = "Live accuracy and calibration (from feedback)", YLabel = "share", YMin = 0, YMax = 1 },
                points.Any(p => p.Calibration is not null)
                    ? [Series("live accuracy", points, p => p.Accuracy), Series("mean probability", points, p => p.Calibration?.MeanProbability),
                       Series("observed rate", points, p => p.Calibration?.ObservedRate)]
                    : [Series("live accuracy", points, p => p.Accuracy)]));
        // Conformal answers: how often they held the truth against the level they promise.
        if (points.LastOrDefault(p => p.Coverage is not null)?.Coverage is { } promised)
            html.Append(SvgLineChart.Render(options with
                {
                    Title = "Coverage of the conformal intervals or sets (from feedback)",
                    YLabel = "share",
                    YMin = 0,
                    YMax = 1,
                    Thresholds = [new ChartThreshold(promised.Level, $"level {Html.Percent(promised.Level)}")],
                },
                [Series("coverage", points, p => p.Coverage?.Coverage)]));
        // A model trained with a weight column: its live score as its loss counted the rows.
        if (points.LastOrDefault(p => p.Weighted is not null)?.Weighted is { } weighted)
            html.Append(weighted.Accuracy is not null
                ? SvgLineChart.Render(options with { Title = $"Live accuracy, each row weighted by {weighted.Column} (from feedback)", YLabel = "share", YMin = 0, YMax = 1 },
                    [Series("weighted accuracy", points, p => p.Weighted?.Accuracy)])
                : SvgLineChart.Render(options with { Title = $"Live {weighted.LossMetric ?? "RMSE"}, each row weighted by {weighted.Column} (from feedback)", YLabel = weighted.LossMetric ?? "RMSE", YMin = 0 },
                    [Series($"weighted {weighted.LossMetric ?? "RMSE"}", points, p => p.Weighted?.Error)]));
        html.Append(SvgLineChart.Render(options with
            {
                Title = "Drift (population stability index)",
                YLabel = "PSI",
                YMin = 0,
                Thresholds = [new ChartThreshold(psiThreshold, $"alert above {psiThreshold.ToString("0.##", CultureInfo.InvariantCulture)}")],
            },
            [Series("input PSI", points, p => p.InputPsi), Series("prediction PSI", points, p => p.PredictionPsi)]));
        return html.Append("</div>").ToString();
    }

    /// <summary>One value per bucket at the bucket's middle; buckets without a value break the line.</summary>
    public static ChartSeries Series(string name, IReadOnlyList<TimelinePoint> points, Func<TimelinePoint, double?> value) =>
        new(name, [.. points.Select(p => new ChartPoint((p.Start + (p.End - p.Start) / 2).ToUnixTimeMilliseconds() / 1000.0, value(p) ?? double.NaN))]);
}
