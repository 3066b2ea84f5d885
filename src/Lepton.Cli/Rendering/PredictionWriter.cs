using System.Globalization;
using System.Text;
using System.Text.Json;
using Lepton.Data.Formats;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Training.Workflows;

namespace Lepton.Cli.Rendering;

/// <summary>
/// Writes predictions to a file chosen by extension: .json (top classes + logits), .npy (logits (N,C)) or .csv (probabilities); a
/// classifier with prediction sets adds each input's set (<c>prediction_set</c>: a JSON array of labels in the CSV).
/// </summary>
public static class PredictionWriter
{
    public static void Write(string path, IReadOnlyList<Prediction> predictions, IReadOnlyList<string> classNames, PredictedIntervals? conformal = null)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        switch (ext)
        {
            case ".json":
                File.WriteAllText(path, JsonSerializer.Serialize(PredictionView.ToJson(predictions, conformal), JsonOut.Options));
                break;
            case ".npy":
                int c = predictions.Count == 0 ? 0 : predictions[0].Logits.Length;
                Npy.Write(path, Tensor.FromArray(predictions.SelectMany(p => p.Logits).ToArray(), predictions.Count, c));
                break;
            case ".csv":
                File.WriteAllText(path, Csv(predictions, classNames, conformal));
                break;
            default:
                throw new ArgumentException($"--output {path}: unknown format '{ext}'; use .json, .npy or .csv.");
        }
    }

    private static string Csv(IReadOnlyList<Prediction> predictions, IReadOnlyList<string> classNames, PredictedIntervals? conformal)
    {
        var sb = new StringBuilder();
        int c = predictions.Count == 0 ? classNames.Count : predictions[0].Logits.Length;
        var headers = Enumerable.Range(0, c).Select(j => "p_" + (j < classNames.Count ? classNames[j] : j.ToString()));
        var sets = conformal?.Columns() ?? [];
        sb.AppendLine(string.Join(",", new[] { "input", "prediction", "probability" }.Concat(headers).Concat(sets.Select(s => s.Name)).Select(Quote)));
        foreach (var (p, i) in predictions.Select((p, i) => (p, i)))
        {
            var cells = new[] { Quote(p.Input), Quote(p.Top[0].Label), F(p.Top[0].Probability) }.Concat(p.Probabilities.Select(v => F(v)))
                .Concat(sets.Select(s => Quote(Convert.ToString(s.Value(i), CultureInfo.InvariantCulture) ?? "")));
            sb.AppendLine(string.Join(",", cells));
        }
        return sb.ToString();
    }

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
