using System.Text.Json;

namespace Lepton.Serving.Protocol;

/// <summary>Client-facing text for JSON reader errors (they carry positions, never server paths).</summary>
internal static class JsonErrors
{
    public static string Describe(JsonException ex, int maxDepth) =>
        ex.Message.Contains("maximum configured depth", StringComparison.Ordinal)
            ? $"the JSON is nested deeper than {maxDepth} levels; send tensor data flat with its shape."
            : ex.Message;

    /// <summary>What a JSON value at <paramref name="token"/> is, in words: "an array", "a string".</summary>
    public static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
