using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Reports.Evaluation;
using Lepton.Runtime;
using Lepton.Runtime.Calibration;
using Lepton.Training.Classic;

namespace Lepton.Reports.Recalibration;

/// <summary>What <see cref="ModelCalibration"/> did: the calibration, its effect on the rows it was fitted on and on the test rows, the new version (null when only fitted).</summary>
public sealed record ModelCalibrationOutcome(ProbabilityCalibration Calibration, string Split, CalibrationScores Before, CalibrationScores After, ModelVersion? Registered)
{
    /// <summary>The data's headline (test) split when it is not the one calibrated on.</summary>
    public string? TestSplit { get; init; }

    public CalibrationScores? TestBefore { get; init; }

    public CalibrationScores? TestAfter { get; init; }
}

/// <summary>
/// Calibrates a classifier of any kind (a network on images or text, a table model, an imported ONNX model) after training: scores a
/// data set's held-out split as <c>lepton eval</c> scores it, fits a <see cref="ProbabilityCalibration"/> on those probabilities
/// (by default a sigmoid for a yes/no model, whose weights may have shifted its log-odds, and a temperature for more classes), and registers the model's files with <c>calibration.json</c> added as a new version whose
/// metadata names its parent, so the predictor loader serves it calibrated. The test split is scored before and after.
/// </summary>
public static class ModelCalibration
{
    /// <summary>
    /// Calibrates <paramref name="source"/> on <paramref name="split"/> of <paramref name="data"/> and registers it as the next version of
    /// <paramref name="registerAs"/>; lineage (the run and data set version the model was trained from) is the source version's, or
    /// <paramref name="runId"/> and <paramref name="datasetRef"/> for a folder just trained.
    /// </summary>
    public static async Task<ModelCalibrationOutcome> RunAsync(ModelRegistry registry, ResolvedModel source, ReportData data, string split, string? method,
        string registerAs, string actor, CancellationToken ct = default, string? runId = null, string? datasetRef = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ModelName.Validate(registerAs);
        var fitted = await FitAsync(source, data, split, method, ct);
        string folder = Path.Combine(Path.GetTempPath(), "lepton-calibrated-" + Guid.NewGuid().ToString("N"));
        try
        {
            Write(source, data, fitted.Calibration, folder);
            var registered = await registry.RegisterAsync(registerAs, folder, source.Version?.RunId ?? runId, source.Version?.DatasetRef ?? datasetRef ?? data.DatasetRef, actor, ct);
            return fitted with { Registered = registered };
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The calibration of <paramref name="source"/> fitted on <paramref name="split"/> of <paramref name="data"/> (<paramref name="method"/>,
    /// or sigmoid for a yes/no model and temperature for more classes) and its scores before and after; nothing is written.
    /// </summary>
    public static async Task<ModelCalibrationOutcome> FitAsync(ResolvedModel source, ReportData data, string split, string? method, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(data);
        if (method is not null) ProbabilityCalibrator.Check(method);
        if (ProbabilityCalibration.Load(source.Folder) is { } already)
            throw new ArgumentException($"{source.Display} is calibrated already ({already.Describe()}); calibrate the version it was made from instead.");
        // Its sets were fitted on the probabilities a calibration would change.
        if (Lepton.Runtime.Conformal.ConformalIntervals.Load(source.Folder) is { } sets)
            throw new ArgumentException($"{source.Display}'s prediction sets were fitted on its uncalibrated probabilities ({sets.Describe()}); calibrate the version it was made from, then fit its sets with lepton models intervals.");
        ModelScores scores;
        bool binary;
        using (var predictor = PredictorLoader.Default.Load(source.Folder))
        {
            binary = predictor.Signature.Task?.Kind == TaskKind.Binary;
            if (!binary && !predictor.Signature.IsClassifier)
                throw new ArgumentException($"{source.Display} is not a classifier ({predictor.Signature.Task?.Kind.ToString().ToLowerInvariant() ?? predictor.Signature.Kind.ToString()}); calibration maps a classifier's probabilities.");
            scores = (await Task.Run(() => ReportScoring.Score([new ScoredModel(source.Display, predictor, source.Folder)], data, ct: ct), ct)).Scores[0];
        }
        var held = HeldOutRows(data, split, "calibrate on");
        var fit = scores.Subset(held);
        int k = scores.Classes;
        // A yes/no model is calibrated on its positive class's probability; a multiclass one on every class's.
        double[] predictions = binary ? [.. Enumerable.Range(0, fit.Count).Select(i => fit.Probabilities[i * 2 + 1])] : fit.Probabilities;
        // A table model trained with a weight column is calibrated as it was trained: each row counting its weight (once without one).
        var weights = data.Examples is Evaluation.Tables.TableExamples rows ? Tables.EvaluationWeights.Of(source.Folder, rows.Table) : null;
        float[]? fitWeights = weights is null ? null : [.. held.Select(i => double.IsFinite(weights.Weights[i]) ? (float)weights.Weights[i] : 1f)];
        string from = $"the {split} split of {data.Name}" + (weights is null ? "" : $", each row weighted by '{weights.Column}'");
        var calibration = ProbabilityCalibrator.Fit(method ?? (binary ? "sigmoid" : "temperature"), binary ? 2 : k, predictions, fit.Labels, from, fitWeights);
        var testRows = data.HeadlineSplit is { } h && h != split ? Rows(data, h) : [];
        string? testSplit = testRows.Count > 0 ? data.HeadlineSplit : null;
        var test = testSplit is null ? null : scores.Subset(testRows);
        return new ModelCalibrationOutcome(calibration, split, CalibrationScores.Of(fit), After(fit, calibration, binary), null)
        {
            TestSplit = testSplit,
            TestBefore = test is null ? null : CalibrationScores.Of(test),
            TestAfter = test is null ? null : After(test, calibration, binary),
        };
    }

    /// <summary>
    /// <paramref name="source"/>'s files in <paramref name="folder"/> with <paramref name="calibration"/> added (its model.json naming the
    /// data and, for a registered source, the version it came from); the parent's evaluation.json is left out, since it describes the
    /// uncalibrated probabilities (lepton eval writes the new one's own).
    /// </summary>
    public static void Write(ResolvedModel source, ReportData data, ProbabilityCalibration calibration, string folder)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(calibration);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Copy(source.Folder, folder);
        File.Delete(Path.Combine(folder, ModelFolderFiles.Evaluation));
        calibration.SaveTo(folder, ("data", data.DatasetRef ?? data.Name));
        if (source.Version is not null) ModelFile.EditMetadata(folder, metadata => metadata["parent_model"] = source.Display);
    }

    internal static List<int> Rows(ReportData data, string split) => [.. Enumerable.Range(0, data.Count).Where(i => data.Splits[i] == split)];

    /// <summary>The rows of <paramref name="split"/>; none is an error naming the splits there and how to make one.</summary>
    internal static List<int> HeldOutRows(ReportData data, string split, string purpose)
    {
        var held = Rows(data, split);
        if (held.Count == 0)
            throw new ArgumentException($"{data.Name} has no '{split}' rows to {purpose} (its splits: {string.Join(", ", data.Splits.Distinct())}); " +
                                        $"give it a validation split (lepton data split NAME@V --test 0.2 --validation 0.1) or name another with --split.");
        return held;
    }

    // The rows' probabilities through the calibration, scored.
    private static CalibrationScores After(ModelScores scores, ProbabilityCalibration calibration, bool binary)
    {
        int k = scores.Classes;
        var p = (double[])scores.Probabilities.Clone();
        for (int i = 0; i < scores.Count; i++)
        {
            if (binary)
            {
                Span<double> positive = [p[i * 2 + 1]];
                calibration.Apply(positive);
                (p[i * 2], p[i * 2 + 1]) = (1 - positive[0], positive[0]);
            }
            else calibration.Apply(p.AsSpan(i * k, k));
        }
        return CalibrationScores.Of(p, scores.Labels, k);
    }

    /// <summary>Copies every file of model folder <paramref name="from"/> (subfolders too) into <paramref name="to"/>, which is created.</summary>
    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
