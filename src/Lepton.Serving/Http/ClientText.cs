using System.Text.RegularExpressions;

namespace Lepton.Serving.Http;

/// <summary>
/// Last line of defence for messages that reach clients from lower layers: file system paths (which could
/// reveal the server's layout) are replaced by a placeholder, and the text is bounded in length.
/// </summary>
public static partial class ClientText
{
    [GeneratedRegex(@"(?<![\w.])(?:[A-Za-z]:\\|~?/)[^\s'""]*[/\\][^\s'""]*")]
    private static partial Regex PathLike();

    public static string Scrub(string message)
    {
        var text = PathLike().Replace(message, "<path>");
        return text.Length <= 1000 ? text : text[..1000] + "...";
    }
}
