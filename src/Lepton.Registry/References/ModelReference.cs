using System.Globalization;

namespace Lepton.Registry.References;

/// <summary>What a model reference points at.</summary>
public enum ModelReferenceKind
{
    /// <summary><c>name</c>: the latest version.</summary>
    Latest,

    /// <summary><c>name@3</c>.</summary>
    Version,

    /// <summary><c>name@production</c>.</summary>
    Alias,

    /// <summary>A model folder on disk (<c>./cnn</c>, <c>/models/cnn</c>, <c>~/cnn</c>).</summary>
    Folder,
}

/// <summary>
/// A model as the user names it: <c>name</c> (or <c>name@latest</c>), <c>name@3</c>, <c>name@production</c> or a folder path.
/// <see cref="Parse"/> checks the text completely before it asks the file system anything, and asks only
/// whether one already-validated path is a folder.
/// </summary>
public sealed record ModelReference(ModelReferenceKind Kind, string? Name, int? Version, string? Alias, string? FolderPath)
{
    /// <summary>The word after '@' that names the newest version (<c>churn@latest</c>, as <c>churn</c>); no alias may take it.</summary>
    public const string Latest = "latest";

    /// <summary>Longest accepted reference text (folder paths included).</summary>
    public const int MaxLength = 4096;

    public static ModelReference Parse(string? text, IFolderProbe? probe = null)
    {
        probe ??= FileSystemFolderProbe.Instance;
        if (string.IsNullOrEmpty(text))
            throw new ModelNameException("A model reference cannot be empty: give name, name@3, name@production or a folder path.");
        if (text.Length > MaxLength)
            throw new ModelNameException($"A model reference is {text.Length} characters long; the limit is {MaxLength}.");
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsControl(text[i]))
                throw new ModelNameException(
                    $"Invalid model reference {ModelName.Quote(text)}: {ModelName.DescribeCharacter(text[i])} at position {i + 1} is a control character.");
        }

        bool hasSeparator = text.Contains('/') || text.Contains('\\');
        if (text[0] == '~') return ParseHomePath(text, probe);
        if (!hasSeparator && text[0] != '.') return ParseNameForm(text);
        if (!hasSeparator)
        {
            // '..model' is a valid name; it is a folder only when such a folder exists.
            var named = ParseNameForm(text);
            return probe.DirectoryExists(text) ? Folder(text) : named;
        }
        ValidatePath(text);
        if (text.StartsWith("./", StringComparison.Ordinal) || text.StartsWith(".\\", StringComparison.Ordinal)) return Folder(text);
        if (probe.DirectoryExists(text)) return Folder(text);
        throw new ModelNameException(
            $"{ModelName.Quote(text)} is not a model name (names cannot contain path separators) and no folder {ModelName.Quote(text)} exists. " +
            "Give a registered model as name, name@3 or name@alias, or an existing model folder (e.g. ./my-model).");
    }

    /// <summary>Like <see cref="Parse"/>, returning the error message instead of throwing.</summary>
    public static bool TryParse(string? text, out ModelReference? reference, out string? error, IFolderProbe? probe = null)
    {
        try
        {
            reference = Parse(text, probe);
            error = null;
            return true;
        }
        catch (ModelNameException e)
        {
            reference = null;
            error = e.Message;
            return false;
        }
    }

    public static ModelReference ForName(string name)
    {
        ModelName.Validate(name);
        return new(ModelReferenceKind.Latest, name, null, null, null);
    }

    public override string ToString() => Kind switch
    {
        ModelReferenceKind.Latest => Name!,
        ModelReferenceKind.Version => $"{Name}@{Version!.Value.ToString(CultureInfo.InvariantCulture)}",
        ModelReferenceKind.Alias => $"{Name}@{Alias}",
        _ => FolderPath!,
    };

    private static ModelReference ParseNameForm(string text)
    {
        int at = text.IndexOf('@');
        if (at < 0)
        {
            ModelName.Validate(text);
            return new(ModelReferenceKind.Latest, text, null, null, null);
        }
        var name = text[..at];
        var suffix = text[(at + 1)..];
        ModelName.Validate(name);
        if (suffix.Length == 0)
            throw new ModelNameException($"Invalid model reference {ModelName.Quote(text)}: nothing follows '@'; write {name}@3 or {name}@production.");
        if (suffix.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version < 1)
                throw new ModelNameException($"Invalid model reference {ModelName.Quote(text)}: versions are whole numbers from 1 to {int.MaxValue}.");
            return new(ModelReferenceKind.Version, name, version, null, null);
        }
        ModelName.Validate(suffix, "alias");
        if (suffix == Latest) return new(ModelReferenceKind.Latest, name, null, null, null);
        return new(ModelReferenceKind.Alias, name, null, suffix, null);
    }

    private static ModelReference ParseHomePath(string text, IFolderProbe probe)
    {
        if (text != "~" && !text.StartsWith("~/", StringComparison.Ordinal))
            throw new ModelNameException(
                $"Invalid model reference {ModelName.Quote(text)}: only '~/' (your home folder) is expanded; '~' is not allowed in model names.");
        ValidatePath(text);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var path = text == "~" ? home : Path.Combine(home, text[2..]);
        if (probe.DirectoryExists(path)) return Folder(path);
        throw new ModelNameException($"No model folder exists at {ModelName.Quote(path)}.");
    }

    private static void ValidatePath(string text)
    {
        foreach (var segment in text.Split('/', '\\'))
        {
            if (segment == "..")
                throw new ModelNameException(
                    $"Invalid model path {ModelName.Quote(text)}: '..' segments are not allowed; give the folder's absolute path instead.");
        }
        int percent = text.IndexOf('%');
        if (percent >= 0)
            throw new ModelNameException(
                $"Invalid model path {ModelName.Quote(text)}: '%' at position {percent + 1} is not allowed; percent-encoding is never decoded.");
    }

    private static ModelReference Folder(string path) => new(ModelReferenceKind.Folder, null, null, null, path);
}
