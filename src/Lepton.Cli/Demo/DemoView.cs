using System.Globalization;
using Lepton.Factory.Loop;
using Lepton.Monitoring;
using Lepton.Monitoring.Alerts;
using Spectre.Console;

namespace Lepton.Cli.Demo;

/// <summary>The demo's tables: monitoring before and after the drift, fired alerts, the loop's decisions, and the summary.</summary>
internal static class DemoView
{
    public static void WriteMonitoring(MonitorReport before, MonitorReport after)
    {
        var table = new Table().AddColumns("", "normal window", "drifted window");
        Row(table, "requests", before.Overall.Requests.ToString(CultureInfo.InvariantCulture), after.Overall.Requests.ToString(CultureInfo.InvariantCulture));
        Row(table, "live accuracy (labels)", Accuracy(before.Overall.Accuracy), Accuracy(after.Overall.Accuracy));
        foreach (var stat in before.Overall.InputDrift.Select(d => d.Statistic))
        {
            var b = before.Overall.InputDrift.First(d => d.Statistic == stat);
            var a = after.Overall.InputDrift.FirstOrDefault(d => d.Statistic == stat);
            Row(table, $"input {stat}: PSI / KS D", $"{b.Psi:F3} / {b.KsStatistic:F3}", a is null ? "-" : $"{a.Psi:F3} / {a.KsStatistic:F3}");
        }
        if (before.Overall.TextDrift is { } tb)
        {
            var ta = after.Overall.TextDrift;
            Row(table, "token frequency mix: PSI / chi2 p", $"{tb.TokenFrequencyPsi:F3} / {tb.TokenFrequencyPValue:G3}", ta is null ? "-" : $"{ta.TokenFrequencyPsi:F3} / {ta.TokenFrequencyPValue:G3}");
            Row(table, "script mix: PSI (shares)", $"{tb.ScriptMixPsi:F3} ({Scripts(tb)})", ta is null ? "-" : $"{ta.ScriptMixPsi:F3} ({Scripts(ta)})");
        }
        Row(table, "predicted classes: PSI / chi2 p", Prediction(before.Overall.PredictionDrift), Prediction(after.Overall.PredictionDrift));
        Row(table, "latency p50 / p99", $"{before.Overall.LatencyP50Ms:F1} / {before.Overall.LatencyP99Ms:F1} ms", $"{after.Overall.LatencyP50Ms:F1} / {after.Overall.LatencyP99Ms:F1} ms");
        AnsiConsole.Write(table);
    }

    public static void WriteAlerts(IReadOnlyList<FiredAlert> alerts)
    {
        if (alerts.Count == 0) AnsiConsole.MarkupLine("  no alert fired");
        foreach (var alert in alerts) AnsiConsole.MarkupLine($"  [red]ALERT[/] {Markup.Escape(alert.Message)}");
    }

    public static void WriteLoop(LoopOutcome outcome)
    {
        var table = new Table().AddColumns("step", "decision", "reason");
        foreach (var d in outcome.Decisions.OrderBy(d => d.Id))
            table.AddRow(Markup.Escape(d.Step), Markup.Escape(d.Decision), Markup.Escape(d.Reason));
        AnsiConsole.Write(table);
        if (outcome.Evaluation is not { } e) return;
        var scores = new Table().AddColumns("offline evaluation", $"champion v{e.ChampionVersion}", $"challenger v{e.ChallengerVersion}");
        Row(scores, "base test accuracy", e.ChampionBaseTest.Accuracy.ToString("P2", CultureInfo.InvariantCulture), e.ChallengerBaseTest.Accuracy.ToString("P2", CultureInfo.InvariantCulture));
        if (e.ChampionHoldout is { } ch && e.ChallengerHoldout is { } cc)
            Row(scores, $"drifted feedback holdout ({ch.Count})", ch.Accuracy.ToString("P2", CultureInfo.InvariantCulture), cc.Accuracy.ToString("P2", CultureInfo.InvariantCulture));
        AnsiConsole.Write(scores);
    }

    public static void WriteSummary(DemoResults r)
    {
        var table = new Table().AddColumns("live accuracy", "value");
        Row(table, "normal traffic, champion", r.Normal.Accuracy.ToString("P1", CultureInfo.InvariantCulture));
        Row(table, "drifted traffic, champion", r.Drifted.Accuracy.ToString("P1", CultureInfo.InvariantCulture));
        Row(table, "drifted traffic, after the loop", r.Recovered is null ? "-" : r.Recovered.Accuracy.ToString("P1", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Dashboard: [bold]{Markup.Escape(r.DashboardUrl)}[/] (while the server runs; rerun with --serve to keep it up)");
        AnsiConsole.MarkupLine($"Store left in [bold]{Markup.Escape(r.Home)}[/]; explore it with:");
        string env = $"LEPTON_HOME={r.Home}";
        foreach (var command in new[] { $"models show {r.Model}", "runs list", $"monitor {r.Model} --window 1h", "data list" })
            AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(env)} ./lepton {command}[/]");
        AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(env)} ./lepton serve {r.Model}@production --canary {r.Model}@staging=20%[/]  (then open / with an admin key)");
    }

    private static string Accuracy(LiveAccuracy? a) => a is null ? "-" : $"{a.Accuracy.ToString("P1", CultureInfo.InvariantCulture)} ({a.Labels})";

    private static string Scripts(TextDrift t) =>
        string.Join(", ", t.ScriptShares.Where(s => s.Value >= 0.005).OrderByDescending(s => s.Value).Select(s => $"{s.Key} {s.Value.ToString("P0", CultureInfo.InvariantCulture)}"));

    private static string Prediction(PredictionDrift? p) => p is null ? "-" : $"{p.Psi:F3} / {p.PValue:G3}";

    private static void Row(Table table, params string[] cells) => table.AddRow(cells.Select(Markup.Escape).ToArray());
}
