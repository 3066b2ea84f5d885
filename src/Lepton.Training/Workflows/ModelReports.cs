using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Data.Profiles;
using Lepton.Training.Metrics;

namespace Lepton.Training.Workflows;

/// <summary>
/// The files a trained classifier carries besides its weights: <c>evaluation.json</c> (accuracy, per-class metrics and the
/// confusion matrix, for reports and the dashboard) and <c>reference.json</c> (the <see cref="ReferenceProfile"/> drift
/// monitoring compares live traffic against).
/// </summary>
public static class ModelReports
{
    public const string EvaluationFileName = Runtime.ModelFolderFiles.Evaluation;
    internal const int MaxProfiledExamples = 10_000;

    /// <summary>Writes both files into <paramref name="folder"/>.</summary>
    // train.Inputs: (N, C, ...) already preprocessed; the profile is taken in the raw domain clients send.
    public static void Write(string folder, IDataset train, Preprocessing preprocessing, ClassificationReport heldOut)
    {
        WriteEvaluation(folder, heldOut);
        BuildReference(train, preprocessing, heldOut).Save(folder);
    }

    public static void WriteEvaluation(string folder, ClassificationReport report)
    {
        var json = EvaluationJson(report);
        string path = Path.Combine(folder, EvaluationFileName);
        File.WriteAllText(path + ".tmp", json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The content of <c>evaluation.json</c> for a multiclass report (reports embed the same object).</summary>
    public static JsonObject EvaluationJson(ClassificationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var json = new JsonObject
        {
            ["accuracy"] = report.Accuracy,
            ["count"] = report.Count,
            ["loss"] = report.Loss,
            ["macro_f1"] = report.MacroAverage.F1,
            ["classes"] = new JsonArray(report.Classes.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name, ["precision"] = c.Precision, ["recall"] = c.Recall, ["f1"] = c.F1, ["support"] = c.Support,
            }).ToArray()),
            ["confusion_matrix"] = new JsonArray(report.ConfusionMatrix.Select(row => (JsonNode)new JsonArray(row.Select(v => (JsonNode)v).ToArray())).ToArray()),
        };
        // Macro one-vs-rest ROC-AUC when the report came from scores (for two classes, the yes/no model's own ROC-AUC).
        if (report.RocAucMacro is { } auc && double.IsFinite(auc)) json["roc_auc"] = auc;
        return json;
    }

    /// <summary>
    /// Writes <c>evaluation.json</c> for any task: a multiclass report as <see cref="WriteEvaluation(string, ClassificationReport)"/>,
    /// otherwise <c>{"task", "count", "metrics": {...}, "report": text}</c>.
    /// </summary>
    public static void WriteEvaluation(string folder, ITaskReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report is ClassificationReport classification)
        {
            WriteEvaluation(folder, classification);
            return;
        }
        var metrics = new JsonObject();
        foreach (var (name, value) in report.Metrics) metrics[name] = double.IsFinite(value) ? value : null;
        var json = new JsonObject
        {
            ["task"] = Lepton.NN.Serialization.TaskSpec.NameOf(report.Kind),
            ["count"] = report.Count,
            ["metrics"] = metrics,
            ["report"] = report.ToText(),
        };
        string path = Path.Combine(folder, EvaluationFileName);
        File.WriteAllText(path + ".tmp", json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>
    /// Profiles up to 10,000 evenly spread training examples after undoing the preprocessing (x * std + mean, then / scale),
    /// with the held-out report's true-label mix (row sums) and predicted mix (column sums).
    /// </summary>
    public static ReferenceProfile BuildReference(IDataset train, Preprocessing preprocessing, ClassificationReport heldOut)
    {
        int n = train.Count, take = Math.Min(n, MaxProfiledExamples);
        int row = train.InputShape.Size;
        int channels = Math.Max(1, preprocessing.Mean.Length);
        int perChannel = row / channels;
        var buffer = new float[row];
        var stats = new ExampleStatistics[take];
        // Gathered in chunks, so a data set streamed from shards is never held whole.
        const int Chunk = 256;
        var indices = new int[Chunk];
        for (int start = 0; start < take; start += Chunk)
        {
            int count = Math.Min(Chunk, take - start);
            for (int i = 0; i < count; i++) indices[i] = (int)((long)(start + i) * n / take);
            var values = train.GetBatch(indices.AsSpan(0, count)).Inputs.Contiguous().Span<float>();
            for (int i = 0; i < count; i++)
            {
                values.Slice(i * row, row).CopyTo(buffer);
                for (int j = 0; j < row; j++)
                {
                    int c = j / perChannel;
                    float x = preprocessing.Mean.Length > 0 ? buffer[j] * preprocessing.Std[c] + preprocessing.Mean[c] : buffer[j];
                    buffer[j] = x / preprocessing.Scale;
                }
                stats[start + i] = ExampleStatistics.Of(buffer);
            }
        }
        var confusion = heldOut.ConfusionMatrix;
        int k = confusion.Length;
        var labels = confusion.Select(r => (long)r.Sum()).ToArray();
        var predicted = Enumerable.Range(0, k).Select(c => (long)confusion.Sum(r => r[c])).ToArray();
        return ReferenceProfile.Build(stats, heldOut.ClassNames, labels, predicted);
    }
}
