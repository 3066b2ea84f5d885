using System.Collections.Concurrent;
using System.Text.Json;
using Lepton.Runtime;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>
/// Reads <c>evaluation.json</c> from registered model folders, once per version: versions are immutable, so a file read
/// (or found missing) stays valid for the life of the server.
/// </summary>
public sealed class EvaluationFiles(Registry.ModelRegistry registry)
{
    private readonly ConcurrentDictionary<(string Model, int Version), (EvaluationInfo? Info, string? Note)> _cache = new();

    /// <summary>The evaluation of <c>model@version</c>, or null with a note saying why there is none.</summary>
    public async Task<(EvaluationInfo? Info, string? Note)> GetAsync(string model, int version, CancellationToken ct)
    {
        if (_cache.TryGetValue((model, version), out var hit)) return hit;
        var resolved = await registry.ResolveAsync($"{model}@{version}", ct);
        string path = Path.Combine(resolved.Folder, ModelFolderFiles.Evaluation);
        (EvaluationInfo?, string?) result = File.Exists(path)
            ? Parse(version, await File.ReadAllTextAsync(path, ct), $"{model}@{version}")
            : (null, $"{model}@{version} has no {ModelFolderFiles.Evaluation}; models trained by lepton train write one.");
        _cache[(model, version)] = result;
        return result;
    }

    /// <summary>Parses the file training writes (ModelReports.WriteEvaluation); a malformed file gives a note, not an error.</summary>
    public static (EvaluationInfo? Info, string? Note) Parse(int version, string json, string display)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var perClass = root.TryGetProperty("classes", out var classes) && classes.ValueKind == JsonValueKind.Array
                ? classes.EnumerateArray().Select(c => new ClassEvaluation(c.GetProperty("name").GetString() ?? "",
                    Number(c, "precision"), Number(c, "recall"), Number(c, "f1"), Count(c, "support"))).ToList()
                : [];
            var matrix = root.TryGetProperty("confusion_matrix", out var m) && m.ValueKind == JsonValueKind.Array
                ? m.EnumerateArray().Select(row => (IReadOnlyList<long>)[.. row.EnumerateArray().Select(v => v.GetInt64())]).ToList()
                : [];
            if (matrix.Any(row => row.Count != matrix.Count))
                return (null, $"The confusion matrix in {display}'s {ModelFolderFiles.Evaluation} is not square.");
            var names = perClass.Count == matrix.Count ? perClass.Select(c => c.Name).ToList()
                : Enumerable.Range(0, matrix.Count).Select(i => $"class {i}").ToList();
            double? accuracy = root.TryGetProperty("accuracy", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : null;
            long? count = root.TryGetProperty("count", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt64() : null;
            return (new EvaluationInfo(version, accuracy, count, names, matrix, perClass), null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return (null, $"{display}'s {ModelFolderFiles.Evaluation} could not be read: {e.Message}");
        }
    }

    private static long Count(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : 0;

    private static double Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
}
