using System.Text.Json;

namespace Lepton.Registry.Store;

/// <summary>A run's parameters JSON as name → text, for people to read (the dashboard's and the report's lineage).</summary>
public static class RunParameters
{
    /// <summary>Top-level properties; strings as they are, other values as JSON; unreadable JSON shown (cut to 200 chars) under "(parameters)".</summary>
    public static Dictionary<string, string> Flatten(string json)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return result;
            foreach (var p in doc.RootElement.EnumerateObject())
                result[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
        catch (JsonException)
        {
            result["(parameters)"] = json.Length > 200 ? json[..200] + "..." : json;
        }
        return result;
    }
}
