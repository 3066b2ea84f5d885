using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Lepton.Factory.Recipes.Schema;

/// <summary>
/// Reads one mapping of a recipe (the root or a section such as <c>training:</c>): rejects keys it does not know, with a
/// "did you mean" and the allowed keys, and reads typed values, reporting a wrong type or range at the value's line and
/// falling back to the default so that the rest of the recipe is still checked.
/// </summary>
internal sealed class YamlSection
{
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);

    public YamlSection(YamlMappingNode node, string path, IReadOnlyList<string> allowed, RecipeErrors errors)
    {
        (Node, Path, Errors) = (node, path, errors);
        foreach (var (key, value) in node.Children)
        {
            if (key is not YamlScalarNode { Value: { } name } scalar)
            {
                errors.Add(key, $"{Where}keys must be plain words; allowed keys: {string.Join(", ", allowed)}.");
                continue;
            }
            // Duplicate keys never get here: the YAML parser rejects them with their line.
            if (allowed.Contains(name)) _entries[name] = (scalar, value);
            else errors.Add(key, $"unknown key '{Qualified(name)}'{Suggestions.Hint(name, allowed)}; allowed keys{(path.Length > 0 ? $" in {path}" : "")}: {string.Join(", ", allowed)}.");
        }
    }

    public YamlMappingNode Node { get; }

    public string Path { get; }

    public RecipeErrors Errors { get; }

    private string Where => Path.Length > 0 ? $"{Path}: " : "";

    public string Qualified(string key) => Path.Length > 0 ? $"{Path}.{key}" : key;

    public bool Has(string key) => _entries.ContainsKey(key);

    /// <summary>The value node of <paramref name="key"/>; null when absent or written as an empty value (<c>key:</c> / <c>key: null</c>).</summary>
    public YamlNode? Value(string key) =>
        _entries.TryGetValue(key, out var e) && !IsNull(e.Value) ? e.Value : null;

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any } s && s.Value is null or "" or "~" or "null";

    /// <summary>A nested section; null (no error) when absent; an error when it is not a mapping.</summary>
    public YamlSection? Section(string key, IReadOnlyList<string> allowed)
    {
        if (Value(key) is not { } node) return null;
        if (node is YamlMappingNode map) return new YamlSection(map, Qualified(key), allowed, Errors);
        Errors.Add(node, $"'{Qualified(key)}' must be a section of keys ({string.Join(", ", allowed)}), not {Describe(node)}.");
        return null;
    }

    public string? String(string key)
    {
        if (Value(key) is not { } node) return null;
        if (node is YamlScalarNode s) return s.Value;
        Errors.Add(node, $"'{Qualified(key)}' must be a single value, not {Describe(node)}.");
        return null;
    }

    public string Choice(string key, string fallback, IReadOnlyList<string> allowed)
    {
        if (String(key) is not { } text) return fallback;
        if (allowed.Contains(text)) return text;
        Errors.Add(Value(key)!, $"'{Qualified(key)}' is '{text}', which is not allowed{Suggestions.Hint(text, allowed)}; allowed values: {string.Join(", ", allowed)}.");
        return fallback;
    }

    public int Int(string key, int fallback, int min, int max = int.MaxValue)
    {
        if (String(key) is not { } text) return fallback;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max) return v;
        Errors.Add(Value(key)!, $"'{Qualified(key)}' is '{text}'; it must be a whole number {Range(min, max)}.");
        return fallback;
    }

    public ulong ULong(string key, ulong fallback)
    {
        if (String(key) is not { } text) return fallback;
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v)) return v;
        Errors.Add(Value(key)!, $"'{Qualified(key)}' is '{text}'; it must be a whole number from 0 to {ulong.MaxValue}.");
        return fallback;
    }

    /// <summary>A number in [min, max] (or (min, max] when <paramref name="minExclusive"/>).</summary>
    public double? Double(string key, double min, double max, bool minExclusive = false)
    {
        if (String(key) is not { } text) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            && (minExclusive ? v > min : v >= min) && v <= max) return v;
        string range = max == double.MaxValue ? $"{(minExclusive ? ">" : ">=")} {Num(min)}" : $"{(minExclusive ? "above" : "from")} {Num(min)} to {Num(max)}";
        Errors.Add(Value(key)!, $"'{Qualified(key)}' is '{text}'; it must be a number {range}.");
        return null;
    }

    /// <summary>A share from 0 to 1, written as <c>0.1</c> or <c>10%</c>.</summary>
    public double? Fraction(string key, double max = 1)
    {
        if (String(key) is not { } text) return null;
        string t = text.Trim();
        bool percent = t.EndsWith('%');
        if (double.TryParse(percent ? t[..^1] : t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
        {
            v = percent ? v / 100 : v;
            if (v >= 0 && v <= max) return v;
        }
        Errors.Add(Value(key)!, $"'{Qualified(key)}' is '{text}'; it must be a share from 0 to {Num(max)}, written as 0.1 or 10%.");
        return null;
    }

    /// <summary>A duration; <paramref name="allowZero"/> also accepts 0 (e.g. a canary window of 0 skips the canary).</summary>
    public TimeSpan? Duration(string key, bool allowZero = false)
    {
        if (String(key) is not { } text) return null;
        if (Durations.TryParse(text) is { } d) return d;
        if (allowZero && Durations.IsZero(text)) return TimeSpan.Zero;
        Errors.Add(Value(key)!, $"'{Qualified(key)}' is '{text}', which is not a duration; write {Durations.Forms}{(allowZero ? ", or 0" : "")}.");
        return null;
    }

    /// <summary>A list of non-empty scalars with their nodes (for line numbers); null when absent.</summary>
    public IReadOnlyList<YamlScalarNode>? List(string key, string example)
    {
        if (Value(key) is not { } node) return null;
        if (node is YamlSequenceNode seq && seq.Children.All(c => c is YamlScalarNode { Value.Length: > 0 }))
            return [.. seq.Children.Cast<YamlScalarNode>()];
        Errors.Add(node, $"'{Qualified(key)}' must be a list of values, one per line, e.g. {example}.");
        return null;
    }

    private static string Range(int min, int max) => max == int.MaxValue ? $">= {min}" : $"from {min} to {max}";

    private static string Num(double v) => v.ToString("0.########", CultureInfo.InvariantCulture);

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a section of keys",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "this",
    };
}
