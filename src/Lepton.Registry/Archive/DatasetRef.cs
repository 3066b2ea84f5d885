using System.Globalization;

namespace Lepton.Registry.Archive;

/// <summary>Dataset references as runs and versions record them: <c>name@3</c>.</summary>
internal static class DatasetRef
{
    public static bool TryParse(string? text, out string name, out int version)
    {
        name = "";
        version = 0;
        if (text is null) return false;
        int at = text.LastIndexOf('@');
        if (at <= 0) return false;
        name = text[..at];
        return int.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out version) && version > 0;
    }
}
