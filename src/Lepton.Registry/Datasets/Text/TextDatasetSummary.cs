using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Data.Text;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets.Text;

/// <summary>
/// The registry's JSON for a text data set version: the summary (<see cref="DatasetVersion.ManifestJson"/>, pointing at
/// the manifest and blob artifacts), the schema (input kind text, the classes, single- or multi-label) and the statistics
/// (class counts per split, length quantiles in characters, problems).
/// </summary>
public static class TextDatasetSummary
{
    /// <summary>True when the version was recorded by a text import (or derived from one).</summary>
    public static bool IsTextVersion(DatasetVersion version) => DatasetSummaryJson.HasFormat(version, TextManifest.Format);

    /// <summary>The manifest artifact's hash a summary names.</summary>
    public static string ManifestArtifact(DatasetVersion version) => DatasetSummaryJson.Artifact(version, TextManifest.Format, "manifest_artifact",
        "is not a text data set; text verbs need a version made by lepton data import of texts.");

    public static string Manifest(TextManifest manifest, string manifestArtifact, string source, string layout, string? note = null, int? derivedFrom = null)
    {
        var items = manifest.Items;
        var o = new JsonObject
        {
            ["format"] = TextManifest.Format,
            ["manifest_artifact"] = manifestArtifact,
            ["blob_artifact"] = manifest.Blob,
            ["source"] = source,
            ["layout"] = layout,
            ["recipe"] = manifest.Recipe,
            ["items"] = items.Count,
            ["readable"] = items.Count(i => i.IsReadable),
            ["problems"] = items.Count(i => i.Problem is not null),
            ["multi_label"] = manifest.MultiLabel,
            ["items_per_split"] = Counts(items.Select(i => i.Split ?? "none")),
            ["classes"] = new JsonArray([.. manifest.Classes.Select(c => (JsonNode)c)]),
        };
        if (note is not null) o["note"] = note;
        if (derivedFrom is { } d) o["derived_from"] = d;
        return o.ToJsonString();
    }

    public static string Schema(TextManifest manifest) => new JsonObject
    {
        ["format"] = TextManifest.Format,
        ["input"] = new JsonObject { ["kind"] = "text", ["encoding"] = "utf-8", ["recipe"] = manifest.Recipe },
        ["classes"] = new JsonArray([.. manifest.Classes.Select(c => (JsonNode)c)]),
        ["multi_label"] = manifest.MultiLabel,
    }.ToJsonString();

    public static string Statistics(TextManifest manifest)
    {
        var perSplit = new JsonObject();
        foreach (var split in manifest.Items.GroupBy(i => i.Split ?? "none").OrderBy(g => g.Key, StringComparer.Ordinal))
            perSplit[split.Key] = Counts(split.SelectMany(i => i.Labels.Count == 0 ? ["(unlabelled)"] : i.Labels));
        var lengths = manifest.Items.Where(i => i.IsReadable).Select(i => i.Chars).Order().ToArray();
        int Q(double q) => lengths.Length == 0 ? 0 : lengths[(int)Math.Min(lengths.Length - 1, Math.Floor(q * lengths.Length))];
        return new JsonObject
        {
            ["class_counts"] = perSplit,
            ["chars"] = new JsonObject
            {
                ["total"] = lengths.Sum(l => (long)l),
                ["min"] = lengths.Length == 0 ? 0 : lengths[0],
                ["median"] = Q(0.5),
                ["p95"] = Q(0.95),
                ["max"] = lengths.Length == 0 ? 0 : lengths[^1],
            },
            ["problems"] = Counts(manifest.Items.Where(i => i.Problem is not null).Select(i => i.Problem!.Kind.ToString())),
        }.ToJsonString();
    }

    private static JsonObject Counts(IEnumerable<string> keys)
    {
        var o = new JsonObject();
        foreach (var g in keys.GroupBy(k => k).OrderBy(g => g.Key, StringComparer.Ordinal)) o[g.Key] = g.Count();
        return o;
    }
}
