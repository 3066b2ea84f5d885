using System.Globalization;
using System.Text;
using Lepton.Factory.Loop;
using Lepton.Factory.Simulation;
using Lepton.Monitoring;
using Lepton.Monitoring.Alerts;

namespace Lepton.Cli.Demo;

/// <summary>The figures one demo run produced, printed at the end and written to <c>results.md</c> in the demo's home.</summary>
internal sealed record DemoResults(
    string Model,
    double ChampionTestAccuracy,
    TrafficResult Normal,
    TrafficResult Drifted,
    TrafficResult? Recovered,
    MonitorReport Before,
    MonitorReport After,
    IReadOnlyList<FiredAlert> Alerts,
    LoopOutcome Loop,
    string Url,
    string AdminKey,
    string Home)
{
    /// <summary>The largest input PSI of a report's pooled traffic (NaN when it has no reference).</summary>
    public static double MaxInputPsi(MonitorReport r) => r.Overall.MaxInputPsi ?? double.NaN;

    public string DashboardUrl => $"{Url.TrimEnd('/')}/?key={AdminKey}";

    public void WriteMarkdown(string path)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(c, $"# lepton demo results ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores)");
        md.AppendLine();
        md.AppendLine("| | normal traffic | drifted traffic (champion) | drifted traffic (after the loop) |");
        md.AppendLine("|---|---:|---:|---:|");
        md.AppendLine(c, $"| requests | {Normal.Requests} | {Drifted.Requests} | {Recovered?.Requests.ToString(c) ?? "-"} |");
        md.AppendLine(c, $"| live accuracy | {Normal.Accuracy:P1} | {Drifted.Accuracy:P1} | {(Recovered is null ? "-" : Recovered.Accuracy.ToString("P1", c))} |");
        md.AppendLine(c, $"| max input PSI | {MaxInputPsi(Before):F3} | {MaxInputPsi(After):F3} | |");
        md.AppendLine(c, $"| prediction PSI | {Before.Overall.PredictionDrift?.Psi:F3} | {After.Overall.PredictionDrift?.Psi:F3} | |");
        md.AppendLine();
        md.AppendLine(c, $"Champion test accuracy {ChampionTestAccuracy:P2}. Alerts fired: {string.Join("; ", Alerts.Select(a => a.Rule.Text).Distinct())}.");
        md.AppendLine(c, $"Loop: {Loop.Result}: {Loop.Reason}");
        if (Loop.Evaluation is { } e)
        {
            md.AppendLine();
            md.AppendLine("| offline evaluation | champion | challenger |");
            md.AppendLine("|---|---:|---:|");
            md.AppendLine(c, $"| base test accuracy | {e.ChampionBaseTest.Accuracy:P2} | {e.ChallengerBaseTest.Accuracy:P2} |");
            if (e.ChampionHoldout is { } ch && e.ChallengerHoldout is { } cc)
                md.AppendLine(c, $"| drifted feedback holdout ({ch.Count}) | {ch.Accuracy:P2} | {cc.Accuracy:P2} |");
        }
        File.WriteAllText(path, md.ToString());
    }
}
