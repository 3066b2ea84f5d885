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
            int d = Distance(g, word.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (word, d);
        }
        // One edit in four characters is a typo; more is a different word.
        return best is not null && bestDistance <= Math.Max(1, Math.Min(given.Length, best.Length) / 4 + 1) ? best : null;
    }

    /// <summary>" (did you mean 'x'?)" or an empty string.</summary>
    public static string Hint(string given, IEnumerable<string> allowed) =>
        Closest(given, allowed) is { } s ? $" (did you mean '{s}'?)" : "";

    /// <summary>Levenshtein distance (insert, delete, substitute each cost 1).</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
