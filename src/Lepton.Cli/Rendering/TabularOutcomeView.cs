using System.Globalization;
using System.Text.Json;
using Lepton.Registry;
using Lepton.Runtime.Conformal;
using Lepton.Training.Workflows.Tables;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>Runs <c>lepton train</c> on a table data set version and prints what it trained: learner, test metric, auto's candidates.</summary>
internal static class TabularOutcomeView
{
    public static async Task<int> TrainAsync(ModelRegistry registry, TabularRecipe recipe, string dir, string? registerAs, bool json, CancellationToken ct)
    {
        if (!json && (recipe.Model == "auto" || recipe.ThresholdRule is { IsChosen: true } || recipe.Calibrate is not null || recipe.Intervals is not null)) recipe = recipe with { Progress = new AutoSearchProgress() };
        var tracked = await TrackedTabularTraining.RunAsync(recipe, dir, registry, registerAs, RegistryOptions.Actor, ct);
        var o = tracked.Outcome;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                learner = o.Learner,
                data = tracked.DatasetRef,
                run_id = tracked.RunId,
                folder = Path.GetFullPath(dir),
                train_rows = o.TrainRows,
                test_rows = o.TestRows,
                metrics = o.TestMetrics,
                threshold = o.Model.ThresholdChoice is { } t ? t.ToJson() : null,
                class_weight = recipe.ClassWeights.ToString(),
                monotone = recipe.MonotoneConstraints.ToString(),
                additive = recipe.Additive,
                excluded = recipe.ExcludedColumns,
                reweigh = recipe.Reweigh,
                calibration = Training.Classic.ConformalTabularModel.Layer<Training.Classic.CalibratedTabularModel>(o.Model) is { } cm
                    ? new { method = cm.Calibration.Method, source = cm.Calibration.Source, rows = cm.Calibration.Rows } : null,
                intervals = o.Model is Training.Classic.ConformalTabularModel cf
                    ? new
                    {
                        score = cf.Intervals.Score, level = cf.Intervals.Level, quantile = cf.Intervals.Quantile, class_quantiles = cf.Intervals.ClassQuantiles,
                        band = cf.Intervals.Band is var (low, high) ? new[] { low, high } : null,
                        source = cf.Intervals.Source, rows = cf.Intervals.Rows,
                        test = o.TestCoverage is { } tc ? ConformalCoverageView.Json(tc, o.Model.Task.ClassNames) : null,
                    } : null,
                proxies = o.Proxies.Select(f => new { column = f.Columns[0], carries = f.Columns[1], message = f.Message }),
                loss = o.Model.Task.IsClassification ? null : o.Model.Task.Loss.ToString(),
                seconds = o.Elapsed.TotalSeconds,
                candidates = o.Candidates.Select(c => new
                {
                    name = c.Name, metric = c.Metric, mean = c.Completed ? c.Mean : (double?)null, folds = c.FoldScores, skipped = c.Skipped,
                    encoding = c.Completed ? c.Input.Encoding.ToString().ToLowerInvariant() : null, features = c.Completed ? c.Input.Features : (int?)null,
                }),
                registered = tracked.Registered is { } v ? $"{v.Model}@{v.Version}" : null,
            }));
            return 0;
        }
        var c = AnsiConsole.Console;
        if (o.Candidates.Count > 0)
        {
            var table = new Table().AddColumns("candidate", "features", "cross-validated", "seconds", "note");
            foreach (var s in o.Candidates)
                table.AddRow(Markup.Escape(s.Name), s.Completed ? Features(s.Input) : "-",
                    s.Completed ? $"{s.Metric} {Data.NumberText.Readable(s.Mean)}" : "-",
                    s.Seconds.ToString("F1", CultureInfo.InvariantCulture), Markup.Escape(s.Skipped ?? (s.Name == o.Learner ? "chosen" : "")));
            c.Write(table);
        }
        // The uncalibrated figures are shown beside the calibrated ones on the calibration line, coverage on the intervals line.
        string metrics = TrainedFolderLines.Metrics(o.TestMetrics.Where(m => !m.Key.EndsWith("_uncalibrated", StringComparison.Ordinal)
            && !m.Key.Contains("_interval_", StringComparison.Ordinal) && !m.Key.Contains("_set_", StringComparison.Ordinal)), "no test split to score");
        c.MarkupLine($"[bold]{Markup.Escape(o.Learner)}[/] on {Markup.Escape(tracked.DatasetRef)}: {o.TrainRows:N0} training rows, {o.TestRows:N0} test rows; {Markup.Escape(metrics)}; {o.Elapsed.TotalSeconds:F1} s");
        if (Training.Classic.ConformalTabularModel.Layer<Training.Classic.CalibratedTabularModel>(o.Model) is { } calibrated) c.MarkupLine(Markup.Escape(CalibrationLine(calibrated, o.TestMetrics)));
        if (o.Model is Training.Classic.ConformalTabularModel conformal)
        {
            c.MarkupLine(Markup.Escape(IntervalsLine(conformal.Intervals, o.TestMetrics)));
            if (o.TestCoverage is { ByClass.Count: > 0 } tc)
            {
                ConformalCoverageView.WriteClasses(tc, o.Model.Task.ClassNames);
                if (conformal.Intervals.ClassQuantiles is null && tc.ByClass.Any(k => k.Rows > 0 && k.Coverage < conformal.Intervals.Level - 0.05))
                    c.MarkupLine(Markup.Escape($"The sets hold {ConformalIntervals.Percent(conformal.Intervals.Level)} over all rows, not within each class: --intervals-per-class fits them class by class, so a rare class is covered too (its sets grow)."));
            }
        }
        if (o.Model.ThresholdChoice is { } choice) c.MarkupLine(Markup.Escape(ThresholdLine(choice)));
        else if (o.RarestClassShare is { } share && share < RareClassShare)
            c.MarkupLine(Markup.Escape($"The rarest class is {share:P1} of the training rows: a threshold of 0.5 may rarely call it. --threshold f1 (or precision=P, recall=R) chooses one on held-out rows; lepton eval shows precision and recall at every threshold."));
        if (!recipe.MonotoneConstraints.IsNone)
            c.MarkupLine(Markup.Escape($"Monotone: {recipe.MonotoneConstraints} (lepton eval's partial dependence shows each constrained column's effect)."));
        if (recipe.Additive)
            c.MarkupLine(Markup.Escape("Additive: the answer is a sum of one curve per column (lepton eval --report draws them)."));
        if (o.CountLabelZeros is { } zeros)
            c.MarkupLine(Markup.Escape($"The label holds counts (whole numbers from 0, {zeros:P0} of them 0): --loss poisson fits counts through a log link (predictions stay positive, errors may grow with the count); lepton eval then reports the Poisson deviance."));
        foreach (var proxy in o.Proxies) c.MarkupLine("[yellow]" + Markup.Escape(proxy.Message) + "[/]");
        if (recipe.Reweigh is { } by)
            c.MarkupLine(Markup.Escape($"Reweighed by {by}: in the weighted training rows the label does not depend on {by}'s groups (lepton eval --groups {by} shows what the model does)."));
        TrainedFolderLines.Folder(dir, "encoders.json", tracked.RunId, tracked.Registered);
        return 0;
    }

    /// <summary>Below this share of the training rows a class counts as rare and train suggests choosing the threshold.</summary>
    private const double RareClassShare = 0.1;

    // e.g. "threshold 0.231 (f1 on out-of-fold predictions (5 folds of the training rows), 32,000 rows: precision 0.41, recall 0.52, F1 0.46)".
    internal static string ThresholdLine(Training.Classic.ThresholdChoice t)
    {
        string at = t.Precision is { } p && t.Recall is { } r && t.F1 is { } f
            ? $" on {t.Source}, {t.Rows:N0} rows of which {t.Positives:N0} positive: precision {p:F3}, recall {r:F3}, F1 {f:F3}" : "";
        string missed = t.Met ? "" : $"; no threshold reached {t.Rule}, so the closest was kept";
        return $"decision threshold {t.Threshold:0.####} ({(t.Source == "given" ? "given" : t.Rule)}{at}){missed}";
    }

    // e.g. "probabilities calibrated (isotonic, fitted on 8,000 rows of the validation split): test log loss 0.412 -> 0.105, Brier 0.130 -> 0.030".
    private static string CalibrationLine(Training.Classic.CalibratedTabularModel model, IReadOnlyDictionary<string, double> metrics)
    {
        string effect = metrics.TryGetValue("test_log_loss", out var after) && metrics.TryGetValue("test_log_loss_uncalibrated", out var before)
            ? string.Create(CultureInfo.InvariantCulture, $": test log loss {before:F4} -> {after:F4}, Brier {metrics["test_brier_uncalibrated"]:F4} -> {metrics["test_brier"]:F4}")
            : "";
        return $"probabilities calibrated ({model.Calibration.Describe()}){effect}";
    }

    // e.g. "90% intervals (absolute residuals, ±12.3), fitted on 4,000 rows of the validation split: test coverage 0.903, mean width 24.6".
    internal static string IntervalsLine(Lepton.Runtime.Conformal.ConformalIntervals intervals, IReadOnlyDictionary<string, double> metrics)
    {
        string effect = intervals.IsSet
            ? metrics.TryGetValue("test_set_coverage", out var sc)
                ? string.Create(CultureInfo.InvariantCulture, $": test coverage {sc:F3}, mean set size {metrics["test_set_size"]:F2}, one class in {metrics["test_set_singletons"] * 100:F0}%") : ""
            : metrics.TryGetValue("test_interval_coverage", out var ic)
                ? string.Create(CultureInfo.InvariantCulture, $": test coverage {ic:F3}") + (metrics.TryGetValue("test_interval_width", out var w) ? $", mean width {Data.NumberText.Readable(w)}" : "") : "";
        return $"conformal {intervals.Describe()}{effect}";
    }

    // Trees see categories as codes and gaps as NaN; linear models and the MLP one-hot, imputed, standardized columns.
    private static string Features((Data.Tables.Encoding.EncoderMode Encoding, int Features) input) =>
        $"{input.Features} ({(input.Encoding == Data.Tables.Encoding.EncoderMode.Trees ? "tree" : "linear")})";
}
