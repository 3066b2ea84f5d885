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
/// gets a challenger calibrated by the same method on the base texts' test split (never trained on; a temperature leaves every
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
            var tracked = await TrackedTextTraining.RunAsync(recipe, dir, registry, calibrated is null ? policy.Model : null, actor, m => progress?.Report(m), ct);
            var outcome = tracked.Outcome;
            if (calibrated is not null && !outcome.Cancelled)
            {
                using var texts = await Reports.Evaluation.ReportDataSources.LoadAsync(dataset.DatasetRef, null, registry, ct);
                var fitted = await Reports.Recalibration.ModelCalibration.RunAsync(registry, new ResolvedModel(null, dir), texts.Data, Data.Images.Datasets.ImageSplits.Test,
                    calibrated.Method, policy.Model, actor, ct, tracked.RunId, tracked.DatasetRef);
                progress?.Report($"calibrated the challenger as the champion was: {fitted.Calibration.Describe()}");
                tracked = tracked with { Registered = fitted.Registered };
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
