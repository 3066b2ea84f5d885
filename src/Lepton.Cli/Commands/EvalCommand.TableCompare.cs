using Lepton.Cli.Rendering;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.References;
using Lepton.Reports;
using Lepton.Reports.Tables;
using Lepton.Runtime;
using Lepton.Runtime.Tables;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton eval --compare A B --data TABLE@V</c> for two table regressors.</summary>
public static partial class EvalCommand
{
    // eval --compare A B on a table version when both are regressors: the paired comparison (metrics with bootstrap intervals of
    // B − A, the row-by-row sign test, predictions against the truth, the rows they disagree on most). Null for classifiers, which
    // the shared comparison report covers.
    private static async Task<int?> TableRegressionCompareAsync(IReadOnlyList<string> models, string data, string? reportPath, string? store, ReportOptions options,
        bool json, CancellationToken ct, GroupOptions groups)
    {
        await using var registry = await ModelRegistry.OpenAsync(store, ct);
        var version = await TableDatasets.LoadAsync(registry.Store, registry.Artifacts, DatasetReference.Parse(data), ct);
        var sides = new List<(ResolvedModel Model, IPredictor Predictor, TableInputEncoder Encoder)>();
        try
        {
            foreach (var name in models)
            {
                var resolved = await ModelResolution.ResolveAsync(name, store, ct);
                var predictor = CliPredictors.Load(resolved.Folder, store);
                if (TableInputEncoder.TryLoad(resolved.Folder, predictor.Signature) is not { } encoder)
                {
                    predictor.Dispose();
                    throw new ArgumentException($"{resolved.Display} is not a table model (its folder has no encoders.json); compare models trained on table data.");
                }
                sides.Add((resolved, predictor, encoder));
            }
            bool Regressor(IPredictor p) => p.Signature.Task?.Kind == TaskKind.Regression;
            if (!sides.All(x => Regressor(x.Predictor)))
            {
                if (sides.Any(x => Regressor(x.Predictor)))
                    throw new ArgumentException($"--compare needs two classifiers or two regressors; {string.Join(" and ", sides.Select(x => $"{x.Model.Display} is a {(Regressor(x.Predictor) ? "regressor" : "classifier")}"))}.");
                return null;
            }
            if (groups.Columns.Count > 0)
                throw new ArgumentException("--groups with --compare sets two yes/no models' decisions side by side; for two regressors run lepton eval --model M --groups on each.");
            var label = version.Schema.LabelColumn ?? throw new ArgumentException($"{data} has no label column; import it with --label-column.");
            var (rows, split) = HeadlineRows(version);
            var comparison = TableRegressionComparison.Build(sides[0].Model.Display, sides[0].Predictor, sides[0].Encoder, sides[1].Model.Display, sides[1].Predictor,
                sides[1].Encoder, $"{version.Version.Name}@{version.Version.Version}", split, rows, label, options);
            string? page = null;
            if (reportPath is not null)
            {
                await ReportWorkflow.WriteAsync(reportPath, comparison.Html(), null, ct);
                page = Path.GetFullPath(reportPath);
            }
            if (json)
            {
                var o = comparison.Json();
                o["report"] = page;
                JsonOut.Write(o);
                return 0;
            }
            var t = new Table().Border(TableBorder.Rounded)
                .Title($"A = {Markup.Escape(comparison.First)}, B = {Markup.Escape(comparison.Second)} on {Markup.Escape(comparison.Data)} ({Markup.Escape(split)}, {comparison.Labels.Length:N0} rows)")
                .AddColumns("metric", "A", "B", "B − A", $"{options.Level * 100:0}% interval", "p", "5%");
            foreach (var d in comparison.Differences)
                t.AddRow(d.Metric, R(d.First), R(d.Second), Signed(d.Difference), Markup.Escape($"[{Signed(d.Low)}, {Signed(d.High)}]"),
                    Data.NumberText.PValue(d.PValue),
                    d.IsSignificant() ? "[green]yes[/]" : "no");
            AnsiConsole.Write(t);
            AnsiConsole.MarkupLine($"A came closer on {comparison.Closer.OnlyFirstCorrect:N0} rows, B on {comparison.Closer.OnlySecondCorrect:N0} (sign test p = {Data.NumberText.PValue(comparison.Closer.PValue)}).");
            if (page is not null) AnsiConsole.MarkupLine($"Report: [bold]{Markup.Escape(page)}[/]");
            return 0;
        }
        finally
        {
            foreach (var side in sides) side.Predictor.Dispose();
        }
    }
}
