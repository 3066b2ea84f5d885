using System.Globalization;
using System.Text.Json;
using Lepton.Registry.Store;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>
/// Reads where a model version came from: its run, the dataset version the run read, and that dataset's ancestry: the
/// previous version (<see cref="DatasetVersion.ParentVersion"/>) and, for datasets built by the loop from feedback, the
/// base dataset their manifest names.
/// </summary>
public static class LineageReader
{
    /// <summary>The most dataset versions one walk visits, so a long history stays a readable list.</summary>
    public const int MaxDatasetNodes = 24;

    public static async Task<LineageInfo> ReadAsync(IRegistryStore store, ModelVersion version, string? alias, CancellationToken ct)
    {
        var record = version.RunId is { } id ? await store.GetRunAsync(id, ct) : null;
        var run = record is null ? null : ToRunInfo(record);
        string? datasetRef = version.DatasetRef ?? run?.DatasetRef;
        var datasets = await WalkDatasetsAsync(store, datasetRef, ct);
        return new LineageInfo(version.Version, alias, run, datasetRef, datasets, run?.CodeVersion);
    }

    public static RunInfo ToRunInfo(RunRecord run) =>
        new(run.Id, run.Name, run.Status.ToString().ToLowerInvariant(), Lepton.Registry.Store.RunParameters.Flatten(run.ParametersJson), run.StartedAt, run.EndedAt,
            run.CodeVersion, run.DatasetRef, run.Seed);

    /// <summary>Depth-first from <paramref name="start"/>: each version, then its parent's line, then its base dataset's line.</summary>
    public static async Task<IReadOnlyList<DatasetNode>> WalkDatasetsAsync(IRegistryStore store, string? start, CancellationToken ct)
    {
        var nodes = new List<DatasetNode>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (start is not null) await VisitAsync(start, 0, "trained on");
        return nodes;

        async Task VisitAsync(string reference, int depth, string relation)
        {
            if (nodes.Count >= MaxDatasetNodes || !seen.Add(reference)) return;
            if (!TryParseRef(reference, out string name, out int number))
            {
                nodes.Add(new DatasetNode(reference, depth, relation, null, null, Missing: true));
                return;
            }
            var dataset = await store.GetDatasetVersionAsync(name, number, ct);
            if (dataset is null)
            {
                nodes.Add(new DatasetNode(reference, depth, relation, null, null, Missing: true));
                return;
            }
            string? baseRef = BaseRefOf(dataset.ManifestJson);
            nodes.Add(new DatasetNode(reference, depth, relation, dataset.CreatedAt, baseRef, Missing: false));
            if (dataset.ParentVersion is { } parent) await VisitAsync($"{name}@{parent}", depth + 1, $"previous version of {reference}");
            if (baseRef is not null) await VisitAsync(baseRef, depth + 1, $"base of {reference}");
        }
    }

    /// <summary>
    /// The base dataset a manifest names: the first top-level text property whose name contains "base" and whose value
    /// reads as <c>name@version</c> (the loop writes e.g. <c>"base_dataset": "fashion-mnist@1"</c>).
    /// </summary>
    public static string? BaseRefOf(string manifestJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(manifestJson) ? "{}" : manifestJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name.Contains("base", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String
                    && TryParseRef(p.Value.GetString(), out _, out _))
                    return p.Value.GetString();
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads <c>name@3</c>; false for anything else.</summary>
    public static bool TryParseRef(string? text, out string name, out int version)
    {
        name = "";
        version = 0;
        int at = text?.LastIndexOf('@') ?? -1;
        if (at <= 0) return false;
        name = text![..at];
        return int.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out version) && version > 0;
    }
}
