using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Recalibration;
using Lepton.Runtime;
using Lepton.Runtime.Conformal;

namespace Lepton.Reports.Conformal;

/// <summary>What <see cref="ModelIntervals"/> did: the sets, how they did on the rows they were fitted on and on the test rows, the new version.</summary>
public sealed record ModelIntervalsOutcome(ConformalIntervals Intervals, string Split, ConformalCoverage Fitted, ModelVersion? Registered)
{
    /// <summary>The data's headline (test) split when it is not the one fitted on.</summary>
    public string? TestSplit { get; init; }

    public ConformalCoverage? Test { get; init; }

    /// <summary>The model's classes, in index order.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];
}

/// <summary>
/// Conformal prediction sets for a classifier of any kind after training (a network on images, text or audio, a table model, an
/// imported ONNX model): scores a data set's held-out split as <c>lepton eval</c> scores it (through the model's calibration, when it
/// has one), fits the sets at a level, and registers the model's files with <c>intervals.json</c> added as a new version naming its
/// parent, so every server answers each prediction's set. The test split's coverage is measured.
/// </summary>
public static class ModelIntervals
{
    public static async Task<ModelIntervalsOutcome> RunAsync(ModelRegistry registry, ResolvedModel source, ReportData data, string split, double level,
        string registerAs, string actor, CancellationToken ct = default, bool perClass = false)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ModelName.Validate(registerAs);
        var fitted = await FitAsync(source, data, split, level, ct, perClass);
        string folder = Path.Combine(Path.GetTempPath(), "lepton-intervals-" + Guid.NewGuid().ToString("N"));
        try
        {
            ModelCalibration.Copy(source.Folder, folder);
            fitted.Intervals.SaveTo(folder, ("data", data.DatasetRef ?? data.Name));
            if (source.Version is not null) ModelFile.EditMetadata(folder, metadata => metadata["parent_model"] = source.Display);
            var registered = await registry.RegisterAsync(registerAs, folder, source.Version?.RunId, source.Version?.DatasetRef ?? data.DatasetRef, actor, ct);
            return fitted with { Registered = registered };
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The sets of <paramref name="source"/> at <paramref name="level"/> (class by class with <paramref name="perClass"/>), fitted on
    /// <paramref name="split"/> of <paramref name="data"/>, and their coverage; nothing is written.
    /// </summary>
    public static async Task<ModelIntervalsOutcome> FitAsync(ResolvedModel source, ReportData data, string split, double level, CancellationToken ct = default,
        bool perClass = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(data);
        ConformalIntervals.CheckLevel(level);
        if (ConformalIntervals.Load(source.Folder) is { } already)
            throw new ArgumentException($"{source.Display} answers {already.Describe()} already; fit new ones on the version it was made from.");
        ModelScores scores;
        using (var predictor = PredictorLoader.Default.Load(source.Folder))
        {
            var signature = predictor.Signature;
            if (signature.Task?.Kind != TaskKind.Binary && !signature.IsClassifier)
                throw new ArgumentException($"{source.Display} is not a classifier ({signature.Task?.Kind.ToString().ToLowerInvariant() ?? signature.Kind.ToString()}); " +
                                            "a table regressor gets its intervals at training: lepton train --intervals LEVEL.");
            scores = (await Task.Run(() => ReportScoring.Score([new ScoredModel(source.Display, predictor, source.Folder)], data, ct: ct), ct)).Scores[0];
        }
        var fit = scores.Subset(ModelCalibration.HeldOutRows(data, split, "fit prediction sets on"));
        var intervals = ConformalIntervals.ForClassifier(scores.Classes, level, fit.Probabilities, [.. fit.Labels.Select(y => (float)y)], $"the {split} split of {data.Name}",
            perClass, scores.ClassNames);
        var testRows = data.HeadlineSplit is { } h && h != split ? ModelCalibration.Rows(data, h) : [];
        var test = testRows.Count > 0 ? scores.Subset(testRows) : null;
        return new ModelIntervalsOutcome(intervals, split, Coverage(intervals, fit), null)
        {
            TestSplit = test is null ? null : data.HeadlineSplit,
            Test = test is null ? null : Coverage(intervals, test),
            ClassNames = scores.ClassNames,
        };
    }

    private static ConformalCoverage Coverage(ConformalIntervals intervals, ModelScores s) =>
        ConformalCoverage.Classifier(intervals, s.Classes, s.Probabilities, s.Labels, s.Predicted);
}
