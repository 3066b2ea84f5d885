using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Http;

/// <summary>Writes protocol JSON exactly as named (snake_case keys, no naming policy applied).</summary>
public static class JsonResponses
{
    private static readonly JsonSerializerOptions Plain = new(ErrorResponses.Json) { PropertyNamingPolicy = null };

    public static IResult Json(object value, int status = 200) => Results.Json(value, Plain, "application/json", status);
}
