using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Data.Audio;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets.Audio;

/// <summary>
/// The registry's JSON for an audio data set version: the summary (<see cref="DatasetVersion.ManifestJson"/>, pointing at
/// the manifest and sample blob artifacts), the schema (input kind audio at the version's rate, the classes) and the
/// statistics (class counts per split, speakers, duration quantiles in seconds, problems).
/// </summary>
public static class AudioDatasetSummary
{
    /// <summary>True when the version was recorded by an audio import (or derived from one).</summary>
    public static bool IsAudioVersion(DatasetVersion version)
    {
        try
        {
            using var doc = JsonDocument.Parse(version.ManifestJson);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("format", out var f) && f.GetString() == AudioManifest.Format;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The manifest artifact's hash a summary names.</summary>
    public static string ManifestArtifact(DatasetVersion version)
    {
        if (!IsAudioVersion(version))
            throw new InvalidDataException($"{version.Name}@{version.Version} is not an audio data set; audio verbs need a version made by lepton data import of WAV files.");
        using var doc = JsonDocument.Parse(version.ManifestJson);
        return doc.RootElement.GetProperty("manifest_artifact").GetString()!;
    }

    public static string Manifest(AudioManifest manifest, string manifestArtifact, string source, string layout, string? note = null, int? derivedFrom = null)
    {
        var items = manifest.Items;
        var o = new JsonObject
        {
            ["format"] = AudioManifest.Format,
            ["manifest_artifact"] = manifestArtifact,
            ["blob_artifact"] = manifest.Blob,
            ["source"] = source,
            ["layout"] = layout,
            ["recipe"] = manifest.Recipe,
            ["sample_rate"] = manifest.SampleRate,
            ["items"] = items.Count,
            ["readable"] = items.Count(i => i.IsReadable),
            ["problems"] = items.Count(i => i.Problem is not null),
            ["speakers"] = items.Select(i => i.Group).OfType<string>().Distinct().Count(),
            ["items_per_split"] = Counts(items.Select(i => i.Split ?? "none")),
            ["classes"] = new JsonArray([.. manifest.Classes.Select(c => (JsonNode)c)]),
        };
        if (note is not null) o["note"] = note;
        if (derivedFrom is { } d) o["derived_from"] = d;
        return o.ToJsonString();
    }

    public static string Schema(AudioManifest manifest) => new JsonObject
    {
        ["format"] = AudioManifest.Format,
        ["input"] = new JsonObject { ["kind"] = "audio", ["sample_rate"] = manifest.SampleRate, ["channels"] = 1, ["recipe"] = manifest.Recipe },
        ["classes"] = new JsonArray([.. manifest.Classes.Select(c => (JsonNode)c)]),
    }.ToJsonString();

    public static string Statistics(AudioManifest manifest)
    {
        var perSplit = new JsonObject();
        foreach (var split in manifest.Items.GroupBy(i => i.Split ?? "none").OrderBy(g => g.Key, StringComparer.Ordinal))
            perSplit[split.Key] = Counts(split.Select(i => i.Label ?? "(unlabelled)"));
        var seconds = manifest.Items.Where(i => i.IsReadable).Select(i => i.Seconds).Order().ToArray();
        double Q(double q) => seconds.Length == 0 ? 0 : Math.Round(seconds[(int)Math.Min(seconds.Length - 1, Math.Floor(q * seconds.Length))], 3);
        return new JsonObject
        {
            ["class_counts"] = perSplit,
            ["speakers_per_split"] = Counts(manifest.Items.Where(i => i.Group is not null).Select(i => (i.Split ?? "none", i.Group)).Distinct().Select(x => x.Item1)),
            ["seconds"] = new JsonObject
            {
                ["total"] = Math.Round(seconds.Sum(), 3),
                ["min"] = Q(0),
                ["median"] = Q(0.5),
                ["p95"] = Q(0.95),
                ["max"] = seconds.Length == 0 ? 0 : Math.Round(seconds[^1], 3),
            },
            ["source_rates"] = Counts(manifest.Items.Where(i => i.IsReadable).Select(i => i.SourceRate.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        }.ToJsonString();
    }

    private static JsonObject Counts(IEnumerable<string> keys)
    {
        var o = new JsonObject();
        foreach (var g in keys.GroupBy(k => k).OrderBy(g => g.Key, StringComparer.Ordinal)) o[g.Key] = g.Count();
        return o;
    }
}
