using System.Security.Cryptography;
using System.Text;

namespace Lepton.Registry.Labeling;

/// <summary>
/// The opaque ids the labeling page uses for queue entries: "i" (a data set item) or "p" (a served prediction) and 16 hex
/// digits of the SHA-256 of the path or prediction id. A client never sends a path; an id is only looked up, never opened.
/// </summary>
public static class LabelIds
{
    public static string ForItem(string path) => "i" + Digest(path);

    public static string ForPrediction(string predictionId) => "p" + Digest(predictionId);

    /// <summary>True when <paramref name="id"/> has the shape of an id (one letter i or p, 16 lowercase hex digits).</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: 17 } && id[0] is 'i' or 'p' && id.AsSpan(1).IndexOfAnyExcept("0123456789abcdef") < 0;

    private static string Digest(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8);
}
