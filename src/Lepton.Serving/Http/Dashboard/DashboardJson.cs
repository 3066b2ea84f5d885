using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>How <c>/dashboard.json</c> is written: snake_case names, enums as text, non-finite numbers as text.</summary>
public static class DashboardJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
