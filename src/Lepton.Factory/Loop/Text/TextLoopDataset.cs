using System.Text.Json;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Text;
using Lepton.Data.Text.Import;
using Lepton.Registry;
using Lepton.Registry.Datasets.Text;
using Lepton.Training.Workflows.Text;

namespace Lepton.Factory.Loop.Text;

/// <summary>
/// Records what a text challenger trains on as a text data set version named <c>&lt;model&gt;-feedback</c>: the champion's
/// base texts with their train/test split as the champion saw it, the feedback's training texts added to the training
/// split, and the feedback holdout as the validation split (never trained on). The same texts give back the same version.
/// </summary>
public static class TextLoopDataset
{
    public static async Task<FeedbackDatasetVersion> RecordAsync(ModelRegistry registry, string model, TextCorpus baseCorpus, int seed,
        TextFeedbackData feedback, string actor, CancellationToken ct = default)
    {
        var (train, test) = TextTrainingSplits.Split(baseCorpus, seed);
        // Feedback decides a text's label and split: a text the base already holds (from an earlier loop) is not written twice.
        var fed = feedback.Train.Concat(feedback.Holdout).Select(e => e.Text).ToHashSet(StringComparer.Ordinal);
        train = [.. train.Where(x => !fed.Contains(x.Text))];
        test = [.. test.Where(x => !fed.Contains(x.Text))];
        string folder = Directory.CreateTempSubdirectory("lepton-text-loop").FullName;
        try
        {
            string table = Path.Combine(folder, "texts.jsonl");
            await using (var writer = new StreamWriter(table))
            {
                async Task Write(string text, string label, string split) =>
                    await writer.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["text"] = text, ["label"] = label, ["split"] = split }));
                foreach (var (item, text) in train) await Write(text, item.Labels[0], ImageSplits.Train);
                foreach (var (item, text) in test) await Write(text, item.Labels[0], ImageSplits.Test);
                foreach (var e in feedback.Train) await Write(e.Text, e.Label, ImageSplits.Train);
                foreach (var e in feedback.Holdout) await Write(e.Text, e.Label, ImageSplits.Validation);
            }
            var options = new TextImportOptions(Normalization: TextTraining.ImportNormalizationForm(baseCorpus.Manifest.Recipe), TextColumn: "text", LabelColumns: ["label"]);
            var imported = await TextDatasets.ImportAsync(registry.Store, registry.Artifacts, table, FeedbackDataset.NameFor(model), options, null, actor, ct);
            var hashes = new Dictionary<string, string> { ["manifest"] = imported.Version.ContentHash };
            return new FeedbackDatasetVersion(imported.Version, $"{imported.Version.Name}@{imported.Version.Version}", !imported.Existing, hashes);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
