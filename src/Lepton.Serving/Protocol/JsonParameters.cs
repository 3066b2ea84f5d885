using System.Text.Json;

namespace Lepton.Serving.Protocol;

/// <summary>Reads and checks protocol <c>parameters</c> objects (free JSON objects with a few known keys).</summary>
internal static class JsonParameters
{
    /// <summary>The parameters of a request that sends none.</summary>
    public static IReadOnlyDictionary<string, JsonElement> None { get; } = new Dictionary<string, JsonElement>();

    public static IReadOnlyDictionary<string, JsonElement> Read(ref Utf8JsonReader reader, string where)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw ProtocolException.BadRequest($"'{where}' must be a JSON object.");
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        using var doc = JsonDocument.ParseValue(ref reader);
        foreach (var p in doc.RootElement.EnumerateObject()) result[p.Name] = p.Value.Clone();
        return result;
    }

    /// <summary>Refuses a key not in <paramref name="known"/>: a misspelt option would otherwise be answered as if never asked for.</summary>
    public static void CheckKnown(IReadOnlyDictionary<string, JsonElement> p, string knownText, params string[] known)
    {
        foreach (var key in p.Keys)
            if (Array.IndexOf(known, key) < 0) throw ProtocolException.BadRequest($"Unknown parameter '{InferenceRequestParser.Clip(key)}'; {knownText}.");
    }

    public static bool Bool(IReadOnlyDictionary<string, JsonElement> p, string key, string where)
    {
        if (!p.TryGetValue(key, out var v)) return false;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ProtocolException.BadRequest($"{where}.{key} must be true or false."),
        };
    }

    public static long? Long(IReadOnlyDictionary<string, JsonElement> p, string key, string where)
    {
        if (!p.TryGetValue(key, out var v)) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) && n >= 0
            ? n
            : throw ProtocolException.BadRequest($"{where}.{key} must be a whole number of bytes >= 0.");
    }
}
