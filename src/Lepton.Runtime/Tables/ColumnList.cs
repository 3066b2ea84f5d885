namespace Lepton.Runtime.Tables;

/// <summary>Column names given on a command line or in a recipe (<c>home,age</c>, commas or separate words), as options such as --groups and --exclude take them.</summary>
public static class ColumnList
{
    /// <summary>The names in order; an empty name or a repeat is refused, naming <paramref name="option"/>.</summary>
    public static IReadOnlyList<string> Parse(IEnumerable<string>? values, string option)
    {
        var names = (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).ToList();
        if (names.Any(n => n.Length == 0)) throw new ArgumentException($"{option} has an empty column name; write {option} home,age.");
        if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"{option} names '{twice.Key}' twice.");
        return names;
    }
}
