using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Lepton.Factory.Recipes.Running;

/// <summary>
/// Step fingerprints that name what they cover: <c>data=1a2b3c4d training=5e6f7a8b</c>, one short SHA-256 of each
/// section's values, so a changed fingerprint also tells which section changed.
/// </summary>
public static class RecipeHash
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>The fingerprint of the named sections (see <see cref="Recipe.SectionNames"/>) of <paramref name="recipe"/>.</summary>
    public static string Of(Recipe recipe, params string[] sections) =>
        string.Join(' ', sections.Select(s => $"{s}={Short(JsonSerializer.Serialize(Section(recipe, s), Json))}"));

    /// <summary>A named part for things outside the recipe text, such as a file's content: <c>name=hash</c>.</summary>
    public static string Part(string name, string content) => $"{name}={Short(content)}";

    /// <summary>The names of the parts that differ between two fingerprints (all parts of <paramref name="now"/> when unreadable).</summary>
    public static IReadOnlyList<string> ChangedParts(string before, string now)
    {
        var old = Parts(before);
        var current = Parts(now);
        var changed = current.Where(p => !old.TryGetValue(p.Key, out var v) || v != p.Value).Select(p => p.Key)
            .Concat(old.Keys.Where(k => !current.ContainsKey(k))).ToList();
        return changed;
    }

    private static Dictionary<string, string> Parts(string hash)
    {
        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var token in hash.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = token.IndexOf('=');
            parts[eq > 0 ? token[..eq] : token] = eq > 0 ? token[(eq + 1)..] : token;
        }
        return parts;
    }

    private static object? Section(Recipe r, string name) => name switch
    {
        "name" => r.Name,
        "store" => r.Store,
        "data" => r.Data,
        "model" => r.Model,
        "training" => r.Training,
        "gates" => r.Gates,
        "serve" => r.Serve,
        "serve.canary" => r.Serve.Canary,
        "monitoring" => new { r.Monitoring.Window, r.Monitoring.Interval, Rules = r.Monitoring.Rules.Select(x => x.Text) },
        "loop" => r.Loop,
        "tune" => r.Tune,
        "compress" => r.Compress,
        "calibrate" => r.Calibrate,
        "intervals" => r.Intervals,
        "export" => r.Export,
        _ => throw new ArgumentException($"Unknown recipe section '{name}'; sections are: {string.Join(", ", Recipe.SectionNames)}."),
    };

    private static string Short(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
}
