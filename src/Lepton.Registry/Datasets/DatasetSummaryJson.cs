using System.Text.Json;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets;

/// <summary>
/// What every modality's summary (<see cref="DatasetVersion.ManifestJson"/>) shares: a <c>format</c> tag that says which
/// importer recorded the version, and artifact hashes named by a property.
/// </summary>
internal static class DatasetSummaryJson
{
    /// <summary>True when the summary is a JSON object whose <c>format</c> is <paramref name="format"/>.</summary>
    public static bool HasFormat(DatasetVersion version, string format)
    {
        try
        {
            using var doc = JsonDocument.Parse(version.ManifestJson);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("format", out var f)
                   && f.ValueKind == JsonValueKind.String && f.GetString() == format;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The artifact hash <paramref name="property"/> names in a summary of <paramref name="format"/>; otherwise <paramref name="notThisKind"/>.</summary>
    public static string Artifact(DatasetVersion version, string format, string property, string notThisKind)
    {
        if (!HasFormat(version, format)) throw new InvalidDataException($"{version.Name}@{version.Version} {notThisKind}");
        using var doc = JsonDocument.Parse(version.ManifestJson);
        return doc.RootElement.GetProperty(property).GetString()!;
    }
}
