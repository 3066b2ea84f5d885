using System.Globalization;
using Lepton.Registry.References;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Http;

/// <summary>Checks model names and versions taken from URLs before anything else looks at them (no traversal, no percent tricks).</summary>
public static class RouteNames
{
    public static string Model(string? name) =>
        ModelName.Check(name) is { } problem ? throw ProtocolException.BadRequest(problem) : name!;

    /// <summary>The version number from a URL segment; null when the URL names none.</summary>
    public static int? Version(string? text)
    {
        if (text is null) return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1
            ? v
            : throw ProtocolException.BadRequest($"Model version '{InferenceRequestParser.Clip(text)}' is not a version number; versions are whole numbers from 1.");
    }
}
