using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Import;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets.Images;

/// <summary>
/// The registry's JSON for an image data set version: the summary (<see cref="DatasetVersion.ManifestJson"/>, pointing at
/// the full manifest artifact), the schema (input shape [C,H,W] uint8 and the classes) and the statistics (class counts per
/// split, per-channel mean and std of the training pixels in [0,1], sizes).
/// </summary>
public static class ImageDatasetSummary
{
    /// <summary>True when the version was recorded by an image import (or derived from one).</summary>
    public static bool IsImageVersion(DatasetVersion version) => DatasetSummaryJson.HasFormat(version, ImageManifest.Format);

    /// <summary>The manifest artifact's hash a summary names.</summary>
    public static string ManifestArtifact(DatasetVersion version) => DatasetSummaryJson.Artifact(version, ImageManifest.Format, "manifest_artifact",
        "is not an image data set (it was recorded from other files); image verbs need a version made by lepton data import.");

    public static string Manifest(ImageManifest manifest, string manifestArtifact, string source, string layout, string? note = null, int? derivedFrom = null)
    {
        var items = manifest.Items;
        var o = new JsonObject
        {
            ["format"] = ImageManifest.Format,
            ["manifest_artifact"] = manifestArtifact,
            ["source"] = source,
            ["layout"] = layout,
            ["items"] = items.Count,
            ["readable"] = items.Count(i => i.IsReadable),
            ["problems"] = items.Count(i => i.Problem is not null),
            ["items_per_split"] = Counts(items.Select(i => i.Split ?? "none")),
            ["classes"] = new JsonArray([.. manifest.Classes.Select(c => (JsonNode)c)]),
            ["pixels"] = new JsonObject
            {
                ["width"] = manifest.Pixels.Width,
                ["height"] = manifest.Pixels.Height,
                ["channels"] = manifest.Pixels.Channels,
                ["resize"] = manifest.Pixels.Resize,
                ["layout"] = "HWC uint8",
                ["shard_format"] = "LPXS/1",
                ["shards"] = new JsonArray([.. manifest.Pixels.Shards.Select(s => (JsonNode)s)]),
            },
        };
        if (note is not null) o["note"] = note;
        if (derivedFrom is { } d) o["derived_from"] = d;
        return o.ToJsonString();
    }

    public static string Schema(ImageManifest manifest) => new JsonObject
    {
        ["format"] = ImageManifest.Format,
        ["input"] = new JsonObject
        {
            ["kind"] = "image",
            ["shape"] = new JsonArray(manifest.Pixels.Channels, manifest.Pixels.Height, manifest.Pixels.Width),
            ["dtype"] = "uint8",
            ["resize"] = manifest.Pixels.Resize,
        },
        ["classes"] = new JsonArray([.. manifest.Classes.Select(c => (JsonNode)c)]),
    }.ToJsonString();

    public static string Statistics(ImageManifest manifest, ChannelSums trainPixels)
    {
        var perSplit = new JsonObject();
        foreach (var split in manifest.Items.GroupBy(i => i.Split ?? "none").OrderBy(g => g.Key, StringComparer.Ordinal))
            perSplit[split.Key] = Counts(split.Select(i => i.Label ?? "(unlabelled)"));
        var readable = manifest.Items.Where(i => i.IsReadable).ToList();
        var sizes = readable.GroupBy(i => (i.Width, i.Height)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Width).ThenBy(g => g.Key.Height).ToList();
        return new JsonObject
        {
            ["class_counts"] = perSplit,
            ["normalization"] = new JsonObject
            {
                ["split"] = manifest.Items.All(i => i.Split is null) ? "all" : ImageSplits.Train,
                ["pixels"] = trainPixels.Pixels,
                ["mean"] = new JsonArray([.. trainPixels.Mean().Select(v => (JsonNode)Math.Round(v, 6))]),
                ["std"] = new JsonArray([.. trainPixels.Std().Select(v => (JsonNode)Math.Round(v, 6))]),
            },
            ["sizes"] = new JsonObject
            {
                ["distinct"] = sizes.Count,
                ["min_width"] = readable.Count == 0 ? 0 : readable.Min(i => i.Width),
                ["max_width"] = readable.Count == 0 ? 0 : readable.Max(i => i.Width),
                ["min_height"] = readable.Count == 0 ? 0 : readable.Min(i => i.Height),
                ["max_height"] = readable.Count == 0 ? 0 : readable.Max(i => i.Height),
                ["most_common"] = new JsonArray([.. sizes.Take(5).Select(g => (JsonNode)new JsonObject { ["size"] = $"{g.Key.Width}x{g.Key.Height}", ["count"] = g.Count() })]),
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
