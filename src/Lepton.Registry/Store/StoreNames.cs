namespace Lepton.Registry.Store;

/// <summary>
/// Checks the names the store keys records by (models, datasets, aliases, runs): 1..128 ASCII letters, digits,
/// '-', '_' or '.', and not '.' or '..', so a stored name is always safe as a file name and in a model reference.
/// </summary>
internal static class StoreNames
{
    public const int MaxLength = 128;

    public static string Check(string? name, string what)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException($"The {what} name is empty; use 1..{MaxLength} letters, digits, '-', '_' or '.'.");
        if (name.Length > MaxLength)
            throw new ArgumentException($"The {what} name is {name.Length} characters long; the limit is {MaxLength}.");
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                throw new ArgumentException($"The {what} name '{Printable(name)}' contains '{Printable(c.ToString())}'; use only letters, digits, '-', '_' or '.'.");
        if (name is "." or "..") throw new ArgumentException($"The {what} name '{name}' is reserved; pick another.");
        return name;
    }

    /// <summary>Alias names follow the name rule and must not be all digits (a version number) or 'latest' (the newest version).</summary>
    public static string CheckAlias(string? alias)
    {
        alias = Check(alias, "alias");
        if (alias.All(char.IsAsciiDigit)) throw new ArgumentException($"The alias '{alias}' is all digits and would read as a version; pick a word such as 'production'.");
        if (alias == References.ModelReference.Latest) throw new ArgumentException($"The alias '{alias}' always names the newest version; pick another word such as 'staging'.");
        return alias;
    }

    public static void CheckVersion(int version, string what)
    {
        if (version < 1) throw new ArgumentOutOfRangeException(nameof(version), $"The {what} version must be 1 or more, got {version}.");
    }

    public static string CheckText(string? value, string what) =>
        value ?? throw new ArgumentNullException(what, $"The {what} is required (use an empty string or '{{}}' when there is nothing to record).");

    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) || c > '~' ? $"\\u{(int)c:x4}" : c.ToString()));
}
