namespace Lepton.Data.Tables.Reading;

/// <summary>The rules a header row's column names keep, whatever the file format: named, at most 1,024 characters, distinct, not reserved.</summary>
internal static class HeaderNames
{
    /// <summary>The trimmed name of header column <paramref name="position"/> (0-based), checked; <paramref name="seen"/> collects the names so far.</summary>
    public static string Check(ReadOnlySpan<char> raw, int position, TableFile file, HashSet<string> seen)
    {
        if (raw.Length > 1024)
            throw new TableReadException($"{file.Name}: header column {position + 1} is {raw.Length:N0} characters long; a column name is at most 1,024. Does the file start with a header row?");
        var name = raw.Trim().ToString();
        if (name.Length == 0) throw new TableReadException($"{file.Name}: header column {position + 1} has no name; name every column in the first row.");
        if (!seen.Add(name)) throw new TableReadException($"{file.Name}: two columns are named '{name}' in the header; rename one.");
        if (name.StartsWith(TableStorageNames.Prefix, StringComparison.Ordinal))
            throw new TableReadException($"{file.Name}: the column name '{name}' starts with '{TableStorageNames.Prefix}', which Lepton reserves; rename it.");
        return name;
    }
}
