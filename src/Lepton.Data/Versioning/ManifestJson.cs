using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lepton.Data.Versioning;

/// <summary>
/// The JSON a data set manifest artifact holds, for every modality: <c>{"format": ..., "manifest": ...}</c> in snake_case
/// with kebab-case enums; reading refuses a missing document or another format by name.
/// </summary>
internal static class ManifestJson
{
    public static byte[] Write<T>(string format, T manifest) => JsonSerializer.SerializeToUtf8Bytes(new Document<T>(format, manifest), Options);

    /// <param name="what">The manifest's kind for errors, e.g. <c>An image data set manifest</c>.</param>
    public static T Read<T>(ReadOnlySpan<byte> json, string format, string what)
    {
        var doc = JsonSerializer.Deserialize<Document<T>>(json, Options) ?? throw new InvalidDataException($"{what} is empty.");
        if (doc.Format != format)
            throw new InvalidDataException($"{what} has format '{doc.Format}', expected '{format}'; upgrade Lepton to read it.");
        return doc.Manifest;
    }

    private sealed record Document<T>(string Format, T Manifest);

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };
}
