using System.CommandLine;
using System.Globalization;
using Lepton.Cli.Rendering;
using Lepton.Monitoring;
using Lepton.Monitoring.Alerts;
using Lepton.Registry;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton monitor</c>: traffic, errors, latency, drift and the task's live metric of served models over a recent window.</summary>
public static class MonitorCommand
{
    public static Command Create()
    {
        var models = new Argument<string[]>("model")
        {
            Description = "Registered model names (default: every model with predictions in the window).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var window = new Option<string>("--window") { Description = "How far back to look: 90s, 15m, 2h, 1d.", DefaultValueFactory = _ => "15m" };
        var rules = new Option<string[]>("--rule")
        {
            Description = "An alert rule, repeatable: 'drift.psi > 0.2', 'accuracy < 0.85 over 500 labels', 'live.f1 < 0.8', 'live.mae > 2', "
                + "'error_rate > 5%', 'p99 > 50ms'.",
            AllowMultipleArgumentsPerToken = false,
        };
        var groups = new Option<string[]>("--groups")
        {
            Description = "A yes/no table model: compare its served answers across the groups of these logged columns (home,age): each group's selection rate and their ratio, and from labelled answers each group's true-positive rate (the selection_ratio and opportunity_difference rules read them).",
            AllowMultipleArgumentsPerToken = true,
        };
        var favorable = new Option<string?>("--favorable") { Description = "With --groups: the class the decision grants (default: the model's second)." };
        var minGroupRows = new Option<int>("--min-group-rows") { Description = "With --groups: the fewest requests a group needs to be judged.", DefaultValueFactory = _ => Runtime.Tables.GroupFairness.DefaultMinRows };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("monitor",
            "Drift, the live metric from feedback (accuracy; F1 for binary and multi-label; MAE/RMSE for regression), errors and latency\n"
            + "per model version over a recent window of the prediction log.\n"
            + "--json prints the report (an array of reports unless exactly one model is named).\n\n"
            + "Examples:\n  lepton monitor fashion --window 1h --rule \"drift.psi > 0.2\" --rule \"accuracy < 0.85 over 200 labels\"\n"
            + "  lepton monitor credit --window 1d --groups home,age --favorable no --rule \"selection_ratio < 0.8\"");
        cmd.Arguments.Add(models);
        foreach (var o in new Option[] { window, rules, groups, favorable, minGroupRows, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            var span = Usage(() => MonitorWindow.ParseDuration(p.GetValue(window)!));
            var parsedRules = (p.GetValue(rules) ?? []).Select(r => Usage(() => AlertRule.Parse(r))).ToArray();
            var groupOptions = Runtime.Tables.GroupOptions.Parse(p.GetValue(groups), p.GetValue(favorable), p.GetValue(minGroupRows));
            if (parsedRules.FirstOrDefault(r => AlertRule.GroupMetrics.Contains(r.Metric)) is { } groupRule && groupOptions.Columns.Count == 0)
                throw new ArgumentException($"The {groupRule.Metric} rule reads the groups of --groups; name the columns (--groups home,age).");
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var range = MonitorWindow.Last(span);
            string[] named = p.GetValue(models) ?? [];
            var names = named.Length > 0 ? named : await ModelsWithTrafficAsync(registry, range, ct);
            var monitor = new ModelMonitor(registry);
            var reports = new List<MonitorReport>();
            foreach (string name in names) reports.Add(await monitor.ReportAsync(name, range, parsedRules, groupOptions, ct));
            if (p.GetValue(json))
            {
                JsonOut.Write(named.Length == 1 ? reports[0] : reports);
                return 0;
            }
            if (reports.Count == 0)
            {
                AnsiConsole.Console.MarkupLine($"No model has predictions in the last {Markup.Escape(p.GetValue(window)!)}.");
                return 0;
            }
            foreach (var report in reports) MonitorView.Write(report);
            return 0;
        }));
        return cmd;
    }

    // A bad rule or window is a usage error (exit 2); the message names the allowed forms.
    private static T Usage<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }

    private static async Task<string[]> ModelsWithTrafficAsync(ModelRegistry registry, MonitorWindow window, CancellationToken ct)
    {
        var names = new List<string>();
        foreach (var model in await registry.Store.ListModelsAsync(ct))
            if (await registry.Store.CountPredictionsAsync(model.Name, window.From, ct) > 0) names.Add(model.Name);
        return [.. names];
    }
}

/// <summary>The tables <c>lepton monitor</c> prints for one model's report.</summary>
internal static class MonitorView
{
    public static void Write(MonitorReport report)
    {
        var c = AnsiConsole.Console;
        c.MarkupLine($"[bold]{Markup.Escape(report.Model)}[/] from {report.Window.From.UtcDateTime:yyyy-MM-dd HH:mm:ss} to {report.Window.To.UtcDateTime:HH:mm:ss} UTC");
        c.Write(Traffic(report));
        c.Write(Drift(report));
        if (report.Versions.Append(report.Overall).Any(v => v.TextDrift is not null)) c.Write(TextDriftTable(report));
        if (report.Overall.Features.Count > 0)
        {
            c.Write(FeatureDriftTable(report.Overall));
            foreach (var time in report.Overall.Features.Where(f => f.Time))
                c.MarkupLine($"[dim]{Markup.Escape(time.Column)} is the table's time column: live rows are newer than training's by nature, so its drift is not counted in the largest PSI or in drift rules.[/]");
        }
        if (MonitorLiveView.Table(report) is { } live) c.Write(live);
        if (MonitorLiveView.Weighted(report) is { } weighted) c.Write(weighted);
        if (report.Overall.LiveError is { Targets.Count: > 1 } error) c.Write(MonitorLiveView.Targets(error));
        else if (report.Overall.Task != "regression") c.Write(Classes(report.Overall));
        if (MonitorLiveView.Calibration(report) is { } calibration) c.Write(calibration);
        if (MonitorLiveView.Coverage(report) is { } coverage) c.Write(coverage);
        foreach (var g in report.Overall.Groups) WriteGroups(report, g);
        foreach (var alert in report.Alerts) c.MarkupLine($"[red]ALERT[/] [red]{Markup.Escape(alert.Message)}[/]");
        if (report.Alerts.Count == 0 && report.Overall.Requests > 0) c.MarkupLine("[green]no alerts[/]");
        c.WriteLine();
    }

    // One logged column's groups over all versions, then each version's selection ratio (a canary's own figure).
    private static void WriteGroups(MonitorReport report, LiveGroups live)
    {
        var c = AnsiConsole.Console;
        if (live.Groups.Count == 0)
        {
            c.MarkupLine($"[dim]No answered request in the window carried '{Markup.Escape(live.Column)}'.[/]");
            return;
        }
        var t = new Table().Border(TableBorder.Rounded).Title($"'{Markup.Escape(live.Favorable)}' by {Markup.Escape(live.Column)}").AddColumn(Markup.Escape(live.Column));
        foreach (string h in new[] { "requests", "selected", "interval %", "labels", "TPR" }) t.AddColumn(new TableColumn(h).RightAligned());
        foreach (var g in live.Groups)
            t.AddRow(Markup.Escape(g.Group) + (g.Judged ? "" : " [grey](not judged)[/]"), g.Requests.ToString(CultureInfo.InvariantCulture),
                $"{Number(g.SelectionRate * 100, "0.0")}%", $"{Number(g.SelectionLow * 100, "0.0")}-{Number(g.SelectionHigh * 100, "0.0")}",
                g.Labels.ToString(CultureInfo.InvariantCulture), g.TruePositiveRate is { } tpr ? $"{Number(tpr * 100, "0.0")}%" : "-");
        c.Write(t);
        string Ratio(LiveGroups g) => g.SelectionRatio is { } r ? Number(r, "0.###") : "-";
        var perVersion = report.Versions.Where(v => v.Version is not null)
            .Select(v => (v.Version, Live: v.Groups.FirstOrDefault(x => x.Column == live.Column))).Where(x => x.Live is not null).ToList();
        string versions = perVersion.Count > 1 ? "; by version: " + string.Join(", ", perVersion.Select(x => $"v{x.Version} {Ratio(x.Live!)}")) : "";
        string p = (live.SelectionPValue is { } pv ? $", chi-square p {Number(pv, "0.####")}" : "")
                   + (live.OpportunityDifference is { } gap ? $"; live true-positive rates differ by {Number(gap, "0.###")}" : "");
        c.MarkupLine((live.FailsFourFifths ? "[red]" : "") + Markup.Escape($"selection ratio {Ratio(live)}{(live.FailsFourFifths ? " (under 0.8: fails the four-fifths rule)" : "")}{p}{versions}")
                     + (live.FailsFourFifths ? "[/]" : ""));
    }

    private static Table Traffic(MonitorReport report)
    {
        var t = Columns("requests", "req/s", "errors", "p50 ms", "p95 ms", "p99 ms", MonitorLiveView.Header(report));
        foreach (var v in report.Versions.Append(report.Overall))
        {
            t.AddRow(
                VersionCell(v),
                v.Requests.ToString(CultureInfo.InvariantCulture),
                Number(v.RequestsPerSecond, "0.###"),
                v.Errors == 0 ? "0" : $"[red]{v.Errors} ({Number(v.ErrorRate * 100, "0.#")}%)[/]",
                Number(v.LatencyP50Ms, "0.##"),
                Number(v.LatencyP95Ms, "0.##"),
                Number(v.LatencyP99Ms, "0.##"),
                MonitorLiveView.Cell(v));
        }
        return t;
    }

    private static Table Drift(MonitorReport report)
    {
        var t = Columns("input PSI (max)", "KS D (max)", "prediction PSI", "chi2", "chi2 p");
        foreach (var v in report.Versions.Append(report.Overall))
        {
            // A table model's inputs are its columns: the largest column drift (but the time column's) stands for the version.
            IReadOnlyList<InputDrift> inputs = v.Features.Count > 0
                ? [.. v.Features.Where(f => !f.Time).Select(f => new InputDrift(f.Column, f.Psi, f.KsStatistic ?? 0, f.KsPValue ?? 1))]
                : v.InputDrift;
            var psi = inputs.Count > 0 ? inputs.MaxBy(d => d.Psi) : null;
            var ks = inputs.Count > 0 ? inputs.MaxBy(d => d.KsStatistic) : null;
            var pd = v.PredictionDrift;
            t.AddRow(
                VersionCell(v),
                psi is null ? "-" : $"{Number(psi.Psi, "0.###")} ({Markup.Escape(psi.Statistic)})",
                ks is null ? "-" : $"{Number(ks.KsStatistic, "0.###")} ({Markup.Escape(ks.Statistic)})",
                pd is null ? v.PredictionValueDrift is { } pv ? Number(pv.Psi, "0.###") : "-" : Number(pd.Psi, "0.###"),
                pd is null ? "-" : Number(pd.ChiSquare, "0.#"),
                pd is null ? "-" : Number(pd.PValue, "0.####"));
        }
        return t;
    }

    // A table model's drift column by column (all versions pooled), the most drifted first.
    private static Table FeatureDriftTable(VersionReport v)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("column").AddColumn("kind");
        foreach (string h in new[] { "PSI", "KS D", "KS p", "chi2", "chi2 p", "missing train→live" }) t.AddColumn(new TableColumn(h).RightAligned());
        foreach (var f in v.Features.OrderByDescending(f => f.Psi))
        {
            string psi = Number(f.Psi, "0.###");
            t.AddRow(Markup.Escape(f.Column), f.Time ? $"{f.Kind} (time)" : f.Kind, f.Psi > 0.2 && !f.Time ? $"[red]{psi}[/]" : psi,
                f.KsStatistic is { } d ? Number(d, "0.###") : "-", f.KsPValue is { } kp ? Number(kp, "0.####") : "-",
                f.ChiSquare is { } chi ? Number(chi, "0.#") : "-", f.ChiSquarePValue is { } cp ? Number(cp, "0.####") : "-",
                $"{Number(f.ReferenceMissingRate * 100, "0.#")}% → {Number(f.LiveMissingRate * 100, "0.#")}%");
        }
        return t;
    }

    // A text model's drift of whole-text mixes: which vocabulary and which scripts the live texts use.
    private static Table TextDriftTable(MonitorReport report)
    {
        var t = Columns("token-frequency PSI", "chi2 p", "script-mix PSI", "scripts (live)");
        foreach (var v in report.Versions.Append(report.Overall))
        {
            if (v.TextDrift is not { } d) continue;
            t.AddRow(VersionCell(v), Number(d.TokenFrequencyPsi, "0.###"), Number(d.TokenFrequencyPValue, "0.####"), Number(d.ScriptMixPsi, "0.###"),
                string.Join(", ", d.ScriptShares.Where(s => s.Value >= 0.005).OrderByDescending(s => s.Value).Select(s => $"{s.Key} {Number(s.Value * 100, "0")}%")));
        }
        return t;
    }

    internal static Table Columns(params string[] headers)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("version");
        foreach (string h in headers) t.AddColumn(new TableColumn(h).RightAligned());
        return t;
    }

    internal static string VersionCell(VersionReport v) => v.Version is { } n ? n.ToString(CultureInfo.InvariantCulture) : "[bold]all[/]";

    private static Table Classes(VersionReport overall)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn(overall.Task == "multilabel" ? "label" : "class");
        foreach (string h in new[] { "predicted share", "precision", "recall", "labels" }) t.AddColumn(new TableColumn(h).RightAligned());
        var accuracy = overall.Accuracy?.Classes.ToDictionary(k => k.Name) ?? [];
        foreach (string name in overall.ClassDistribution.Keys.Concat(accuracy.Keys).Distinct())
        {
            var share = overall.ClassDistribution.TryGetValue(name, out double s) ? $"{Number(s * 100, "0.#")}%" : "-";
            var k = accuracy.GetValueOrDefault(name);
            t.AddRow(Markup.Escape(name), share, k is null ? "-" : Number(k.Precision, "0.###"), k is null ? "-" : Number(k.Recall, "0.###"),
                k?.Support.ToString(CultureInfo.InvariantCulture) ?? "0");
        }
        return t;
    }

    internal static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
