using System.Globalization;
using System.Text;

namespace Lepton.Registry.References;

/// <summary>
/// The rule for model names and aliases: ASCII letters, digits, '-', '_' and '.', 1 to 128 characters, not '.' or '..'.
/// Such a name is always one plain file name, so it can never reach outside a folder it is joined to.
/// </summary>
public static class ModelName
{
    public const int MaxLength = 128;

    public const string Rule = "names use only ASCII letters, digits, '-', '_' and '.', are 1 to 128 characters long, and are not '.' or '..'";

    /// <summary>Throws <see cref="ModelNameException"/> naming the offending character and the rule.</summary>
    public static void Validate(string? name, string what = "model name")
    {
        if (Check(name, what) is { } error) throw new ModelNameException(error);
    }

    public static bool IsValid(string? name) => Check(name, "name") is null;

    /// <summary>The problem with <paramref name="name"/>, or null when it is valid.</summary>
    public static string? Check(string? name, string what = "model name")
    {
        if (string.IsNullOrEmpty(name)) return $"A {what} cannot be empty: {Rule}.";
        if (name.Length > MaxLength)
            return $"Invalid {what} {Quote(name)}: it is {name.Length} characters long; {Rule}.";
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (IsAllowed(c)) continue;
            return $"Invalid {what} {Quote(name)}: {DescribeCharacter(c)} at position {i + 1} is not allowed ({Reason(c)}); {Rule}.";
        }
        if (name is "." or "..")
            return $"Invalid {what} {Quote(name)}: '.' and '..' name folders, not models; {Rule}.";
        return null;
    }

    internal static bool IsAllowed(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_' or '.';

    private static string Reason(char c) => c switch
    {
        '/' or '\\' => "path separators could reach outside the registry's folders",
        '%' => "percent-encoding is never decoded in names",
        _ when char.IsControl(c) => "control characters are never valid in names",
        _ when char.IsWhiteSpace(c) => "whitespace is not allowed",
        _ when c > 127 => "only ASCII is allowed",
        _ => "it is not a letter, digit, '-', '_' or '.'",
    };

    internal static string DescribeCharacter(char c) =>
        char.IsControl(c) || char.IsWhiteSpace(c) || c > 127 || char.IsSurrogate(c)
            ? $"character U+{(int)c:X4}"
            : $"character '{c}'";

    /// <summary>The input for an error message: bounded in length, control and non-ASCII characters escaped.</summary>
    internal static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in text.Length > 48 ? text[..48] : text)
        {
            if (c < 32 || c > 126) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else sb.Append(c);
        }
        if (text.Length > 48) sb.Append("...");
        return sb.Append('"').ToString();
    }
}
