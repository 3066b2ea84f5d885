using System.Text.Json;

namespace Lepton.Cli.Rendering;

/// <summary>Indented JSON with snake_case names on standard output, for scripts (<c>--json</c>).</summary>
public static class JsonOut
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        // Names and values as written ("Größe", not "Gr\u00F6\u00DFe"): this is a terminal or a file, not an HTML page.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Write(object value) => Console.WriteLine(JsonSerializer.Serialize(value, Options));
}
