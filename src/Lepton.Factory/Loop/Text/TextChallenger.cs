using System.Diagnostics;
using System.Text.Json.Nodes;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Training.Workflows.Text;

namespace Lepton.Factory.Loop.Text;

/// <summary>
/// Trains a text challenger on the loop's text data set version with the champion's own recipe (preset, vocabulary size,
/// max length, learning rate and epochs from its model.json metadata): a fresh tokenizer and model, as <c>lepton train</c>
/// makes them, recorded as a run and registered as a new version of the model. A champion calibrated by <c>lepton models calibrate</c>
/// (or given prediction sets by <c>lepton models intervals</c>) gets a challenger calibrated by the same method (and given sets at the same level) on the base texts' test split (never trained on; a temperature leaves every
/// answer as it is). Cancelled training registers nothing.
/// </summary>
public static class TextChallenger
{
    public static async Task<ChallengerResult> TrainAsync(ModelRegistry registry, LoopPolicy policy, ResolvedModel champion, FeedbackDatasetVersion dataset,
        int feedbackExamples, string actor, IProgress<string>? progress, CancellationToken ct)
    {
        var metadata = ModelFile.Load(champion.Folder).Spec.Metadata ?? new JsonObject();
        string preset = Text(metadata, "preset") ?? "auto";
        var recipe = new TextRecipe(dataset.DatasetRef, preset,
            Epochs: Int(metadata, "epochs") ?? 5,
            LearningRate: metadata["learning_rate"] is JsonValue lr && lr.TryGetValue(out double rate) ? rate : null,
            VocabSize: VocabSize(champion.Folder),
            MaxLength: Int(metadata, "max_length") ?? 256,
            Seed: policy.Seed);
        string dir = Path.Combine(Path.GetTempPath(), "lepton-text-challengers", Guid.NewGuid().ToString("N"));
        var clock = Stopwatch.StartNew();
        try
        {
            var calibrated = Runtime.Calibration.ProbabilityCalibration.Load(champion.Folder);
            var sets = Runtime.Conformal.ConformalIntervals.Load(champion.Folder);
            bool matched = calibrated is not null || sets is not null;
            var tracked = await TrackedTextTraining.RunAsync(recipe, dir, registry, matched ? null : policy.Model, actor, m => progress?.Report(m), ct);
            var outcome = tracked.Outcome;
            if (matched && !outcome.Cancelled)
            {
                // Calibrated (then given sets) on the base texts' test split, as the champion was, and registered once with its lineage.
                using var texts = await Reports.Evaluation.ReportDataSources.LoadAsync(dataset.DatasetRef, null, registry, ct);
                string test = Data.Images.Datasets.ImageSplits.Test, final = dir + "-final";
                var trained = new ResolvedModel(null, dir);
                if (calibrated is not null)
                {
                    var fitted = await Reports.Recalibration.ModelCalibration.FitAsync(trained, texts.Data, test, calibrated.Method, ct);
                    Reports.Recalibration.ModelCalibration.Write(trained, texts.Data, fitted.Calibration, final);
                    progress?.Report($"calibrated the challenger as the champion was: {fitted.Calibration.Describe()}");
                }
                else Reports.Recalibration.ModelCalibration.Copy(dir, final);
                try
                {
                    if (sets is not null)
                    {
                        var intervals = (await Reports.Conformal.ModelIntervals.FitAsync(new ResolvedModel(null, final), texts.Data, test, sets.Level, ct,
                            sets.ClassQuantiles is not null)).Intervals;
                        intervals.SaveTo(final, ("data", texts.Data.DatasetRef ?? texts.Data.Name));
                        progress?.Report($"gave the challenger prediction sets as the champion had: {intervals.Describe()}");
                    }
                    tracked = tracked with { Registered = await registry.RegisterAsync(policy.Model, final, tracked.RunId, tracked.DatasetRef, actor, ct) };
                }
                finally
                {
                    if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
                }
            }
            if (tracked.Registered is not { } version)
                throw new OperationCanceledException("The text challenger's training was cancelled; nothing was registered.");
            return new ChallengerResult(version, tracked.RunId, outcome.TrainTexts, feedbackExamples, outcome.EpochLosses.Count,
                outcome.EpochLosses.Count > 0 ? outcome.EpochLosses[^1] : double.NaN, outcome.TestMetrics.GetValueOrDefault("test_accuracy"), clock.Elapsed);
        }
        finally
        {
            // The registry keeps its own copy of the registered folder.
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static string? Text(JsonObject metadata, string key) => metadata[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static int? Int(JsonObject metadata, string key) => metadata[key] is JsonValue v && v.TryGetValue(out int i) ? i : null;

    // The champion's vocabulary size: its tokenizer's, so the challenger's tokenizer is trained to the same size.
    private static int VocabSize(string folder) =>
        Lepton.Data.Text.Tokenizers.TextTokenizer.Load(Path.Combine(folder, TextTraining.TokenizerFile)).Model.Vocab.Count;
}
