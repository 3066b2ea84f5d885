using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.NN.Serialization;
using Lepton.Registry.Store;

namespace Lepton.Reports.Lineage;

/// <summary>Reads a model's <see cref="ReportLineage"/> from its model.json metadata and, when it is registered, from the registry.</summary>
public static class LineageLoader
{
    /// <summary>The most dataset ancestors listed; a long history stays readable.</summary>
    public const int MaxAncestors = 12;

    public static async Task<ReportLineage> LoadAsync(string model, string folder, ModelVersion? version, IRegistryStore? store, CancellationToken ct = default)
    {
        var metadata = ModelFolderJson.Metadata(folder);
        var lineage = ReportLineage.FolderOnly(model, folder) with
        {
            Version = version?.Version,
            RunId = version?.RunId,
            TrainedOn = version?.DatasetRef ?? ModelFolderJson.Text(metadata, "dataset"),
            ParentModel = ModelFolderJson.Text(metadata, "parent_model"),
            ModelSource = ModelFolderJson.Text(metadata, "model_source"),
            Seed = metadata?["seed"] is JsonValue s && s.TryGetValue<ulong>(out var seed) ? seed : null,
        };
        if (store is null) return lineage;
        if (version?.RunId is { } runId && await store.GetRunAsync(runId, ct) is { } run)
        {
            var metrics = await store.GetRunMetricsAsync(runId, ct);
            lineage = lineage with
            {
                RunName = run.Name,
                RunStatus = run.Status.ToString().ToLowerInvariant(),
                RunStarted = run.StartedAt,
                CodeVersion = run.CodeVersion,
                Seed = run.Seed ?? lineage.Seed,
                Parameters = Lepton.Registry.Store.RunParameters.Flatten(run.ParametersJson),
                TrainedOn = lineage.TrainedOn ?? run.DatasetRef,
                Curves = Curves(metrics),
            };
        }
        return lineage with { DatasetAncestors = await AncestorsAsync(store, lineage.TrainedOn, ct) };
    }

    /// <summary>
    /// The per-epoch series of a run, one per key; the <c>test_*</c> values logged once after the last epoch are not
    /// curves, and keys are ordered train first, then validation.
    /// </summary>
    public static IReadOnlyList<RunCurve> Curves(IReadOnlyList<RunMetric> metrics) =>
        [.. metrics.Where(m => !m.Key.StartsWith("test_", StringComparison.Ordinal))
            .GroupBy(m => m.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key.StartsWith("val_", StringComparison.Ordinal) ? 1 : 0).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new RunCurve(g.Key, [.. g.OrderBy(m => m.Step).Select(m => (m.Step, m.Value))]))];

    // name@3, then name@2 (its parent version), and so on.
    private static async Task<IReadOnlyList<string>> AncestorsAsync(IRegistryStore store, string? reference, CancellationToken ct)
    {
        var result = new List<string>();
        if (reference is null) return result;
        int at = reference.LastIndexOf('@');
        if (at <= 0 || !int.TryParse(reference.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int number)) return result;
        string name = reference[..at];
        var seen = new HashSet<int>();
        while (result.Count < MaxAncestors && seen.Add(number) && await store.GetDatasetVersionAsync(name, number, ct) is { ParentVersion: { } parent })
        {
            result.Add($"{name}@{parent}");
            number = parent;
        }
        return result;
    }
}
