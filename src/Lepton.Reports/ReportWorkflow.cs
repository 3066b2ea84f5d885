using System.Text.Json;
using Lepton.Registry.Store;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Lineage;
using Lepton.Runtime;

namespace Lepton.Reports;

/// <summary>A model to report on: its name for people, its verified folder and, when registered, its version record.</summary>
public sealed record ReportModel(string Name, string Folder, ModelVersion? Version = null);

/// <summary>
/// From models and data to a report: loads each model with the runtime's <see cref="PredictorLoader"/>, scores the data once,
/// reads lineage from the registry, and builds the report; <see cref="WriteAsync"/> writes the page and its evaluation.json.
/// </summary>
public static class ReportWorkflow
{
    public static async Task<EvaluationReport> EvaluateAsync(ReportModel model, ReportData data, IRegistryStore? store, ReportOptions? options = null,
        int batchSize = 256, PredictorLoader? loader = null, CancellationToken ct = default)
    {
        var reports = await BuildAsync([model], data, store, options, batchSize, loader, null, ct);
        return reports[0];
    }

    public static async Task<ComparisonReport> CompareAsync(ReportModel first, ReportModel second, ReportData data, IRegistryStore? store,
        ReportOptions? options = null, int batchSize = 256, PredictorLoader? loader = null, CancellationToken ct = default)
    {
        ComparisonReport? comparison = null;
        // The disagreements are shown as each erring model saw them, so they are prepared while the models are loaded.
        var reports = await BuildAsync([first, second], data, store, options, batchSize, loader, (reports, views) =>
        {
            comparison = ComparisonReport.Build(reports[0], reports[1]);
            views[1].Prefetch([.. comparison.OnlyFirstCorrect.Select(m => m.Index)], ct);
            views[0].Prefetch([.. comparison.OnlySecondCorrect.Select(m => m.Index)], ct);
        }, ct);
        return comparison!.WithReports(reports[0], reports[1]);
    }

    /// <summary>
    /// Writes <paramref name="html"/> to <paramref name="path"/> and, when given, <paramref name="evaluation"/> (evaluation.json's
    /// format) beside it as <c>NAME.evaluation.json</c>; each file appears whole or not at all.
    /// </summary>
    public static async Task<string?> WriteAsync(string path, string html, System.Text.Json.Nodes.JsonNode? evaluation, CancellationToken ct = default)
    {
        string full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        await WriteAtomicAsync(full, html, ct);
        if (evaluation is null) return null;
        string json = Path.Combine(Path.GetDirectoryName(full) ?? ".", Path.GetFileNameWithoutExtension(full) + ".evaluation.json");
        await WriteAtomicAsync(json, evaluation.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
        return json;
    }

    private static async Task WriteAtomicAsync(string path, string text, CancellationToken ct)
    {
        string temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, text, ct);
        File.Move(temp, path, overwrite: true);
    }

    private static async Task<IReadOnlyList<EvaluationReport>> BuildAsync(IReadOnlyList<ReportModel> models, ReportData data, IRegistryStore? store,
        ReportOptions? options, int batchSize, PredictorLoader? loader, Action<IReadOnlyList<EvaluationReport>, IReadOnlyList<IExampleViews>>? whileLoaded,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        options = (options ?? ReportOptions.Default).Validate();
        loader ??= PredictorLoader.Default;
        var predictors = new List<IPredictor>();
        try
        {
            foreach (var m in models) predictors.Add(loader.Load(m.Folder));
            var scoredModels = models.Select((m, i) => new ScoredModel(m.Name, predictors[i], m.Folder)).ToList();
            // A calibrated model is also scored before its calibration (the wrapped model, read in the same pass), for the reliability diagram.
            var before = new int?[models.Count];
            for (int i = 0; i < models.Count; i++)
                if (predictors[i] is Runtime.Calibration.CalibratedPredictor calibrated)
                {
                    before[i] = scoredModels.Count;
                    scoredModels.Add(new ScoredModel(models[i].Name, calibrated.Inner, models[i].Folder));
                }
            var scored = await Task.Run(() => ReportScoring.Score(scoredModels, data, batchSize, ct), ct);
            var reports = new List<EvaluationReport>();
            var views = new List<IExampleViews>();
            for (int i = 0; i < models.Count; i++)
            {
                var lineage = await LineageLoader.LoadAsync(models[i].Name, models[i].Folder, models[i].Version, store, ct);
                var scores = scored.Scores[i];
                var modelViews = data.Examples.Views(scoredModels[i]);
                var report = await Task.Run(() => EvaluationReport.Build(data, scores, scored.Inputs, lineage, options, modelViews), ct);
                if (before[i] is { } j) report = report.WithUncalibrated(scored.Scores[j]);
                // The gallery's examples are read (and a text model's attributions computed) now, for these few examples only.
                await Task.Run(() => modelViews.Prefetch(report.GalleryIndices(), ct), ct);
                reports.Add(report);
                views.Add(modelViews);
            }
            whileLoaded?.Invoke(reports, views);
            return [.. reports.Select((r, i) => r.WithViews(views[i].Freeze()))];
        }
        finally
        {
            foreach (var p in predictors) p.Dispose();
        }
    }
}
