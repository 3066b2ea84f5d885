namespace Lepton.Factory.Recipes.Schema;

/// <summary>"Did you mean" for a misspelled key or value: the closest allowed word within a small edit distance.</summary>
public static class Suggestions
{
    /// <summary>The allowed word nearest to <paramref name="given"/>, or null when none is close enough to be a typo.</summary>
    public static string? Closest(string given, IEnumerable<string> allowed)
    {
        string g = given.ToLowerInvariant();
        // A shortened word ("monitor" for "monitoring") is a near miss however many letters are missing.
        if (g.Length >= 4 && allowed.FirstOrDefault(w => w.StartsWith(g, StringComparison.OrdinalIgnoreCase)) is { } prefixed) return prefixed;
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var word in allowed)
        {
            int d = Lepton.Data.EditDistance.Levenshtein(g, word.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (word, d);
        }
        // One edit in four characters is a typo; more is a different word.
        return best is not null && bestDistance <= Math.Max(1, Math.Min(given.Length, best.Length) / 4 + 1) ? best : null;
    }

    /// <summary>" (did you mean 'x'?)" or an empty string.</summary>
    public static string Hint(string given, IEnumerable<string> allowed) =>
        Closest(given, allowed) is { } s ? $" (did you mean '{s}'?)" : "";
}
