using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Reports;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Html;

namespace Lepton.Factory.Loop;

/// <summary>
/// The loop's champion/challenger comparison as a person can look at it: the report of <c>lepton eval --compare</c> (paired
/// test, per-class metrics, the examples only one model gets right) on the feedback holdout (tables: the loop's data set version), written under
/// <c>LEPTON_HOME/reports/loop/MODEL/</c>; the evaluate decision names it.
/// </summary>
public static class LoopComparisonReport
{
    /// <summary>Where the reports of <paramref name="model"/>'s loop runs go.</summary>
    public static string FolderFor(string model) => Path.Combine(LeptonHome.Resolve(), "reports", "loop", model);

    /// <summary>
    /// Writes the comparison on the examples <paramref name="data"/> reads and returns its path; null when there are none.
    /// A report that cannot be built never fails the loop: the reason comes back instead of a path.
    /// </summary>
    public static async Task<(string? Path, string? Problem)> WriteAsync(ModelRegistry registry, LoopPolicy policy, ResolvedModel champion,
        ResolvedModel challenger, Func<Task<ReportData?>> data, CancellationToken ct)
    {
        try
        {
            if (await data() is not { } holdout) return (null, null);
            var comparison = await ReportWorkflow.CompareAsync(new ReportModel(champion.Display, champion.Folder, champion.Version),
                new ReportModel(challenger.Display, challenger.Folder, challenger.Version), holdout, registry.Store, ct: ct);
            string path = PathFor(policy, champion, challenger);
            await ReportWorkflow.WriteAsync(path, ComparisonReportHtml.Render(comparison), null, ct);
            return (path, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>An image loop's holdout: the raw feedback inputs as clients sent them, with their labels.</summary>
    public static ReportData? ImageHoldout(FeedbackData feedback, string datasetRef) =>
        feedback.Holdout.Count == 0 ? null
            : new ReportData($"feedback holdout of {datasetRef}", feedback.ToRawDataset(feedback.Holdout), Split(feedback.Holdout.Count), null, datasetRef);

    /// <summary>A text loop's holdout: the sampled texts with their labels (labels outside the champion's classes are left out).</summary>
    public static ReportData? TextHoldout(Text.TextFeedbackData feedback, IReadOnlyList<string> classNames, string datasetRef)
    {
        var known = feedback.Holdout.Where(e => classNames.Contains(e.Label)).ToList();
        if (known.Count == 0) return null;
        var examples = new Reports.Evaluation.Text.TextExamples([.. known.Select(e => e.Text)], [.. known.Select(e => IndexOf(classNames, e.Label))], classNames);
        return new ReportData($"feedback holdout of {datasetRef}", examples, Split(known.Count), null, datasetRef);
    }

    /// <summary>
    /// A table loop's data set version (base rows plus feedback) as report data: the headline on the base test rows, the
    /// feedback holdout as the validation slice.
    /// </summary>
    public static async Task<ReportData?> TableRows(ModelRegistry registry, string datasetRef, CancellationToken ct) =>
        Reports.Evaluation.Tables.ReportTableData.FromVersion(await Registry.Datasets.Tables.TableDatasets.LoadAsync(registry.Store, registry.Artifacts,
            Registry.References.DatasetReference.Parse(datasetRef), ct));

    /// <summary>
    /// A table regressor's loop: champion against challenger on the loop data set's feedback holdout (its validation rows), the
    /// rows the gate's margin judges, as the paired regression comparison (<see cref="Reports.Tables.TableRegressionComparison"/>).
    /// Like <see cref="WriteAsync"/>, a report that cannot be built never fails the loop.
    /// </summary>
    public static async Task<(string? Path, string? Problem)> WriteTableRegressionAsync(ModelRegistry registry, LoopPolicy policy, ResolvedModel champion,
        ResolvedModel challenger, string datasetRef, CancellationToken ct)
    {
        try
        {
            var data = await Registry.Datasets.Tables.TableDatasets.LoadAsync(registry.Store, registry.Artifacts, Registry.References.DatasetReference.Parse(datasetRef), ct);
            var holdout = data.Splits?.RowsOf(Data.Images.Datasets.ImageSplits.Validation) ?? [];
            if (holdout.Length < 2 || data.Schema.LabelColumn is not { } label) return (null, null);
            using var a = Runtime.PredictorLoader.Default.Load(champion.Folder);
            using var b = Runtime.PredictorLoader.Default.Load(challenger.Folder);
            var comparison = Reports.Tables.TableRegressionComparison.Build(champion.Display, a, Encoder(champion, a), challenger.Display, b, Encoder(challenger, b),
                datasetRef, "feedback holdout", data.Table.Take(holdout), label);
            string path = PathFor(policy, champion, challenger);
            await ReportWorkflow.WriteAsync(path, comparison.Html(), null, ct);
            return (path, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, ex.Message);
        }

        static Runtime.Tables.TableInputEncoder Encoder(ResolvedModel model, Runtime.IPredictor predictor) =>
            Runtime.Tables.TableInputEncoder.TryLoad(model.Folder, predictor.Signature)
            ?? throw new InvalidDataException($"{model.Display} has no encoders.json; the table loop compares table models.");
    }

    // LEPTON_HOME/reports/loop/MODEL/vC-vs-vN.html, or under the policy's report folder.
    private static string PathFor(LoopPolicy policy, ResolvedModel champion, ResolvedModel challenger) =>
        Path.Combine(policy.ReportFolder ?? FolderFor(policy.Model), $"v{champion.Version?.Version}-vs-v{challenger.Version?.Version}.html");

    /// <summary>The decision's sentence about the report.</summary>
    public static string Sentence((string? Path, string? Problem) report) =>
        report.Path is { } path ? $"; comparison report: {path}"
        : report.Problem is { } problem ? $"; no comparison report ({problem})"
        : "";

    private static string[] Split(int count) => Enumerable.Repeat("feedback-holdout", count).ToArray();

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (string.Equals(names[i], name, StringComparison.Ordinal)) return i;
        return -1;
    }
}
