using System.Text;

namespace Lepton.Runtime.LightGbm;

/// <summary>
/// Feature names as LightGBM accepts them: it refuses JSON special characters (<c>"</c>, <c>,</c>, <c>:</c>, <c>[</c>, <c>]</c>,
/// <c>{</c>, <c>}</c>) and splits on whitespace, so those become <c>_</c> and repeats get a suffix. The true names stay in model.json.
/// </summary>
public static class LightGbmFeatureNames
{
    public static IReadOnlyList<string> Sanitize(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new string[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            var b = new StringBuilder(names[i].Length);
            foreach (char c in names[i]) b.Append(char.IsWhiteSpace(c) || char.IsControl(c) || "\",:[]{}".Contains(c) ? '_' : c);
            var name = b.Length == 0 ? $"f{i}" : b.ToString();
            var unique = name;
            for (int k = 1; !seen.Add(unique); k++) unique = $"{name}_{k}";
            result[i] = unique;
        }
        return result;
    }
}
