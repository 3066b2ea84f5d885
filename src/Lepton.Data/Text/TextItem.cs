namespace Lepton.Data.Text;

/// <summary>
/// One text of a text data set version: a file (path relative to the imported root, '/' separators) or a table row
/// (<c>table.csv#12</c>, the row's line). <see cref="Sha256"/> is the file's bytes (a row: its text and labels), so a
/// changed file gives a new version. <see cref="Offset"/> and <see cref="Bytes"/> locate its normalized UTF-8 text in the
/// version's text blob; <see cref="Problem"/> says why it has none.
/// </summary>
public sealed record TextItem(
    string Path,
    string Sha256,
    long Size,
    IReadOnlyList<string> Labels,
    string? Split = null,
    string? Group = null,
    int? Fold = null,
    long Offset = -1,
    int Bytes = 0,
    int Chars = 0,
    TextProblem? Problem = null)
{
    /// <summary>The first label (the class of a single-label data set), or null when unlabelled.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Label => Labels.Count == 0 ? null : Labels[0];

    /// <summary>True when the text was read and is in the blob.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsReadable => Problem is null && Offset >= 0;
}

/// <summary>Why a text has no stored text: its kind (a stable word for scripts) and a sentence for people.</summary>
public sealed record TextProblem(TextProblemKind Kind, string Message);

/// <summary>The kinds of unreadable texts an import records instead of failing.</summary>
public enum TextProblemKind
{
    /// <summary>Bytes that are not valid UTF-8 (and no charset said otherwise); stored only with --invalid replace.</summary>
    InvalidUtf8,

    /// <summary>A file over the per-file byte limit (not read) or a text over the per-text character limit.</summary>
    TooLarge,

    /// <summary>An e-mail whose structure could not be read (e.g. nested too deep).</summary>
    Unreadable,
}
