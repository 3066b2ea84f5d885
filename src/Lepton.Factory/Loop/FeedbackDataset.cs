using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lepton.Data.Formats;
using Lepton.Engine;
using Lepton.Registry;
using Lepton.Registry.Store;

namespace Lepton.Factory.Loop;

/// <summary>The dataset version the loop recorded for its feedback, and whether this call created it (false: same content already recorded).</summary>
public sealed record FeedbackDatasetVersion(DatasetVersion Version, string DatasetRef, bool Created, IReadOnlyDictionary<string, string> ArtifactHashes);

/// <summary>
/// Records labelled feedback as a dataset version named <c>&lt;model&gt;-feedback</c>: the train and holdout parts as .npy
/// artifacts (raw inputs and int32 labels), a manifest naming the base data set, the artifact hashes, the counts and the
/// prediction-id and time range, and class counts as statistics. The parent is the previous version; the same examples
/// (and base) give back the existing version instead of a duplicate.
/// </summary>
public static class FeedbackDataset
{
    public const string Format = "lepton-feedback-dataset/1";

    public static string NameFor(string model) => $"{model}-feedback";

    public static async Task<FeedbackDatasetVersion> RecordAsync(ModelRegistry registry, string model, FeedbackData data, string? baseDatasetRef,
        string actor, CancellationToken ct = default)
    {
        if (data.Count == 0) throw new InvalidOperationException($"No usable feedback for '{model}' to record; send labels with POST /v2/models/{model}/feedback.");
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["train_inputs"] = await PutAsync(registry, Inputs(data, data.Train), ct),
            ["train_labels"] = await PutAsync(registry, Labels(data.Train), ct),
            ["holdout_inputs"] = await PutAsync(registry, Inputs(data, data.Holdout), ct),
            ["holdout_labels"] = await PutAsync(registry, Labels(data.Holdout), ct),
        };
        // The content is the examples and the base they extend; counts of dropped records do not make a new version.
        string contentHash = Sha256($"{Format}\n{baseDatasetRef}\n{string.Join("\n", hashes.Select(h => $"{h.Key}={h.Value}"))}");
        string name = NameFor(model);
        var existing = await registry.Store.ListDatasetVersionsAsync(name, ct);
        if (existing.FirstOrDefault(v => v.ContentHash == contentHash) is { } same)
            return new FeedbackDatasetVersion(same, $"{name}@{same.Version}", false, hashes);

        var all = data.Train.Concat(data.Holdout).ToList();
        var ids = all.Select(e => e.PredictionId).Order(StringComparer.Ordinal).ToList();
        var manifest = new
        {
            format = Format,
            model,
            base_dataset = baseDatasetRef,
            artifacts = hashes,
            example_shape = data.ExampleShape,
            classes = data.ClassNames,
            counts = new
            {
                train = data.Train.Count, holdout = data.Holdout.Count, labelled = data.Counts.Labelled, without_raw_input = data.Counts.WithoutRawInput,
                unknown_label = data.Counts.UnknownLabel, wrong_shape = data.Counts.WrongShape, duplicates = data.Counts.Duplicates,
                conflicting_labels = data.Counts.ConflictingLabels,
            },
            prediction_ids = new { first = ids[0], last = ids[^1] },
            feedback_window = new { from = all.Min(e => e.ReceivedAt), to = all.Max(e => e.ReceivedAt) },
            served_versions = all.Where(e => e.ServedVersion is not null).Select(e => e.ServedVersion!.Value).Distinct().Order().ToArray(),
        };
        string schema = JsonSerializer.Serialize(new { input = new { shape = data.ExampleShape, dtype = "float32", domain = "raw" }, classes = data.ClassNames });
        string statistics = JsonSerializer.Serialize(new
        {
            class_counts = data.ClassCounts(),
            train_class_counts = data.ClassNames.ToDictionary(c => c, c => data.Train.Count(e => e.LabelName == c)),
            holdout_class_counts = data.ClassNames.ToDictionary(c => c, c => data.Holdout.Count(e => e.LabelName == c)),
        });
        int? parent = existing.Count == 0 ? null : existing.Max(v => v.Version);
        var version = await registry.Store.AddDatasetVersionAsync(name, contentHash, JsonSerializer.Serialize(manifest), schema, statistics, parent, actor, ct);
        return new FeedbackDatasetVersion(version, $"{name}@{version.Version}", true, hashes);
    }

    private static Tensor Inputs(FeedbackData data, IReadOnlyList<FeedbackExample> examples) => data.ToRawDataset(examples).Inputs;

    private static Tensor Labels(IReadOnlyList<FeedbackExample> examples) => Tensor.FromArray(examples.Select(e => e.Label).ToArray(), examples.Count);

    private static async Task<string> PutAsync(ModelRegistry registry, Tensor tensor, CancellationToken ct)
    {
        // Written to a temporary file first so large feedback sets are streamed, not held twice in memory.
        string path = Path.Combine(Path.GetTempPath(), $"lepton-feedback-{Guid.NewGuid():N}.npy");
        try
        {
            Npy.Write(path, tensor);
            await using var file = File.OpenRead(path);
            return await registry.Artifacts.PutAsync(file, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
