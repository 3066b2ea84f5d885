using System.Diagnostics;
using System.Text.Json.Nodes;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Training.Workflows.Text;

namespace Lepton.Factory.Loop.Text;

/// <summary>
/// Trains a text challenger on the loop's text data set version with the champion's own recipe (preset, vocabulary size,
/// max length, learning rate and epochs from its model.json metadata): a fresh tokenizer and model, as <c>lepton train</c>
/// makes them, recorded as a run and registered as a new version of the model. Cancelled training registers nothing.
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
            var tracked = await TrackedTextTraining.RunAsync(recipe, dir, registry, policy.Model, actor, m => progress?.Report(m), ct);
            if (tracked.Registered is not { } version)
                throw new OperationCanceledException("The text challenger's training was cancelled; nothing was registered.");
            var outcome = tracked.Outcome;
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
