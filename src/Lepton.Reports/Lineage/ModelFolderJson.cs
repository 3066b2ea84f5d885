using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.NN.Serialization;

namespace Lepton.Reports.Lineage;

/// <summary>The JSON files of a model folder as reports and cards read them: bounded in size, and absent rather than an error when unreadable.</summary>
internal static class ModelFolderJson
{
    // A model folder's JSON files are small; a huge one is not read into a report or a card.
    private const long MaxBytes = 64L << 20;

    /// <summary>The JSON object in <paramref name="path"/>; null when the file is missing, too large or not JSON.</summary>
    public static JsonObject? Read(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length > MaxBytes) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The <c>metadata</c> object of the folder's model.json (lineage notes written by training and compression).</summary>
    public static JsonObject? Metadata(string folder) => Read(Path.Combine(folder, ModelFile.SpecFileName))?["metadata"] as JsonObject;

    /// <summary>A non-blank string member of <paramref name="o"/>, or null.</summary>
    public static string? Text(JsonObject? o, string key) =>
        o?[key] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
}
