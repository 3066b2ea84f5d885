using Lepton.Cli.Rendering;
using Lepton.Registry;
using Lepton.Reports;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Html;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton eval --report</c> and <c>--compare</c>: the HTML evaluation report of one model, or of two side by side with paired tests.</summary>
public static partial class EvalCommand
{
    internal static async Task<int> ReportAsync(IReadOnlyList<string> models, string data, string? dataDir, string? reportPath, string? store,
        int batchSize, ReportOptions options, bool json, CancellationToken ct, Runtime.Tables.GroupOptions? groups = null)
    {
        var resolved = new List<ResolvedModel>();
        foreach (var name in models) resolved.Add(await ModelResolution.ResolveAsync(name, store, ct));
        // The registry is opened only when something lives there, so a folder model on Fashion-MNIST leaves no .lepton behind.
        bool needsRegistry = resolved.Any(r => r.Version is not null) || !string.Equals(data, "fashion-mnist", StringComparison.OrdinalIgnoreCase);
        await using var registry = needsRegistry ? await ModelRegistry.OpenAsync(store, ct) : null;
        using var source = await ReportDataSources.LoadAsync(data, dataDir, registry, ct);
        var reportModels = resolved.Select(r => new ReportModel(r.Display, r.Folder, r.Version)).ToList();
        if (reportModels.Count == 1)
        {
            var report = await ReportWorkflow.EvaluateAsync(reportModels[0], source.Data, registry?.Store, options, batchSize, ct: ct);
            var conformal = ConformalCoverageView.Of(reportModels[0].Folder, report.Headline);
            string? written = null, evaluation = null;
            if (reportPath is not null)
            {
                evaluation = await ReportWorkflow.WriteAsync(reportPath, EvaluationReportHtml.Render(report), report.EvaluationJson(), ct);
                written = Path.GetFullPath(reportPath);
            }
            if (json)
            {
                JsonOut.Write(new { evaluation = report.EvaluationJson(), report = written, evaluation_json = evaluation,
                    intervals = report.Intervals.ToDictionary(p => p.Key, p => new { estimate = p.Value.Estimate, low = p.Value.Low, high = p.Value.High }),
                    ece = report.Reliability.ExpectedCalibrationError, ece_uncalibrated = report.UncalibratedReliability?.ExpectedCalibrationError,
                    conformal = conformal is null ? null : ConformalCoverageView.Json(conformal, report.ClassNames) });
                return 0;
            }
            ReportView.Write(report.Metrics, $"{report.Model} on {source.Data.Name}{(source.Data.HeadlineSplit is { } s ? $" ({s} split)" : "")}");
            ConformalCoverageView.Write(conformal, source.Data.HeadlineSplit ?? "scored", report.ClassNames);
            if (written is not null) AnsiConsole.MarkupLine($"Report: [bold]{Markup.Escape(written)}[/] (numbers also in {Markup.Escape(evaluation ?? "")})");
            return 0;
        }

        var comparison = await ReportWorkflow.CompareAsync(reportModels[0], reportModels[1], source.Data, registry?.Store, options, batchSize, ct: ct);
        // Both models' decisions across the asked groups (a table version's yes/no models), side by side.
        var compared = groups is { Columns.Count: > 0 }
            ? (A: Reports.Tables.TableFairness.Decisions(groups, comparison.First, source.Data), B: Reports.Tables.TableFairness.Decisions(groups, comparison.Second, source.Data))
            : (A: [], B: []);
        string? page = null;
        if (reportPath is not null)
        {
            var section = Reports.Tables.GroupFairnessView.ComparisonSection(compared.A, compared.B, "A: " + comparison.First.Model, "B: " + comparison.Second.Model,
                source.Data.HeadlineSplit ?? "all rows");
            await ReportWorkflow.WriteAsync(reportPath, ComparisonReportHtml.Render(comparison, section is null ? [] : [section]), null, ct);
            page = Path.GetFullPath(reportPath);
        }
        var m = comparison.McNemar;
        if (json)
        {
            JsonOut.Write(new
            {
                a = comparison.First.Model, b = comparison.Second.Model, report = page,
                mcnemar = new { only_a_correct = m.OnlyFirstCorrect, only_b_correct = m.OnlySecondCorrect, statistic = m.Statistic, p = m.PValue, exact = m.Exact, significant = m.IsSignificant() },
                differences = comparison.Differences.Select(d => new { metric = d.Metric, a = d.First, b = d.Second, difference = d.Difference, low = d.Low, high = d.High,
                    p = d.Metric == "accuracy" ? m.PValue : d.PValue, significant = d.Metric == "accuracy" ? m.IsSignificant() : d.IsSignificant() }),
                groups = compared.A.Count == 0 ? null : new
                {
                    a = new System.Text.Json.Nodes.JsonArray([.. compared.A.Select(d => (System.Text.Json.Nodes.JsonNode)Reports.Tables.GroupFairnessView.Json(d))]),
                    b = new System.Text.Json.Nodes.JsonArray([.. compared.B.Select(d => (System.Text.Json.Nodes.JsonNode)Reports.Tables.GroupFairnessView.Json(d))]),
                },
            });
            return 0;
        }
        var table = new Table().Border(TableBorder.Rounded).Title($"A = {Markup.Escape(comparison.First.Model)}, B = {Markup.Escape(comparison.Second.Model)} on {Markup.Escape(source.Data.Name)}")
            .AddColumns("metric", "A", "B", "B − A", "95% interval", "p", "test", "5%");
        foreach (var d in comparison.Differences)
        {
            bool accuracy = d.Metric == "accuracy";
            double p = accuracy ? m.PValue : d.PValue;
            table.AddRow(d.Metric, d.First.ToString("F4"), d.Second.ToString("F4"), d.Difference.ToString("+0.0000;-0.0000"), Markup.Escape($"[{d.Low:+0.000;-0.000}, {d.High:+0.000;-0.000}]"),
                Data.NumberText.PValue(p), accuracy ? (m.Exact ? "McNemar exact" : "McNemar χ²") : "bootstrap", p < 0.05 ? "[green]yes[/]" : "no");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"A right and B wrong on {m.OnlyFirstCorrect} examples, B right and A wrong on {m.OnlySecondCorrect}.");
        foreach (var (side, decisions) in new[] { ("A", compared.A), ("B", compared.B) })
            foreach (var d in decisions)
                AnsiConsole.MarkupLine((d.FailsFourFifths ? "[red]" : "[green]") + Markup.Escape($"{side}: {Reports.Tables.GroupFairnessView.Verdict(d)}") + "[/]");
        if (page is not null) AnsiConsole.MarkupLine($"Report: [bold]{Markup.Escape(page)}[/]");
        return 0;
    }
}
