using System.Text;

namespace Lepton.Data.Text.Import;

/// <summary>How raw files become texts: a plain text file, an e-mail (RFC 822/MIME), or chosen per file by sniffing its first bytes.</summary>
public enum TextFileFormat
{
    Auto,
    Plain,
    Email,
}

/// <summary>
/// How a text import reads: Unicode normalization (NFC by default, or NFKC), what to do with bytes that are not UTF-8
/// (record a problem, or replace them with U+FFFD when <see cref="ReplaceInvalid"/>), e-mail headers and HTML kept or
/// stripped, the table columns (CSV/JSONL), and the limits, all checked before anything is read into memory.
/// </summary>
public sealed record TextImportOptions(
    NormalizationForm? Normalization = NormalizationForm.FormC,
    bool ReplaceInvalid = false,
    TextFileFormat FileFormat = TextFileFormat.Auto,
    bool KeepEmailHeaders = false,
    bool KeepHtml = false,
    string? TextColumn = null,
    IReadOnlyList<string>? LabelColumns = null,
    int MaxFiles = TextImportOptions.DefaultMaxFiles,
    long MaxFileBytes = TextImportOptions.DefaultMaxFileBytes,
    int MaxChars = TextImportOptions.DefaultMaxChars,
    long MaxTableBytes = TextImportOptions.DefaultMaxTableBytes,
    long MaxTotalBytes = TextImportOptions.DefaultMaxTotalBytes)
{
    public const int DefaultMaxFiles = 1_000_000;

    /// <summary>A text file larger than this is refused unread (TooLarge): 16 MiB.</summary>
    public const long DefaultMaxFileBytes = 16L << 20;

    /// <summary>A text longer than this after decoding is refused (TooLarge): 4 million characters.</summary>
    public const int DefaultMaxChars = 4_000_000;

    /// <summary>A CSV/JSONL table larger than this is refused before reading: 2 GiB.</summary>
    public const long DefaultMaxTableBytes = 2L << 30;

    /// <summary>All texts of one version together (the blob) stay under this: 1 GiB.</summary>
    public const long DefaultMaxTotalBytes = 1L << 30;

    /// <summary>The part of the options that changes the stored texts, written into the version's identity.</summary>
    public string Recipe() =>
        $"norm={(Normalization switch { NormalizationForm.FormKC => "nfkc", NormalizationForm.FormC => "nfc", _ => "none" })};invalid={(ReplaceInvalid ? "replace" : "report")};format={FileFormat.ToString().ToLowerInvariant()};" +
        $"email-headers={(KeepEmailHeaders ? "keep" : "strip")};html={(KeepHtml ? "keep" : "strip")};text-column={TextColumn};label-columns={string.Join(",", LabelColumns ?? [])}";

    /// <summary>Checks the values and names the one that is wrong.</summary>
    public void Validate()
    {
        if (Normalization is not (null or NormalizationForm.FormC or NormalizationForm.FormKC))
            throw new ArgumentException($"Normalization {Normalization} is not supported; use nfc (default), nfkc or none.");
        if (MaxFiles < 1) throw new ArgumentException($"--max-files {MaxFiles} must be at least 1.");
        if (MaxFileBytes < 1) throw new ArgumentException($"--max-file-bytes {MaxFileBytes} must be at least 1.");
        if (MaxChars < 1) throw new ArgumentException($"--max-chars {MaxChars} must be at least 1.");
        if (MaxTotalBytes is < 1 or > int.MaxValue) throw new ArgumentException($"The total text limit {MaxTotalBytes} must be 1..{int.MaxValue} bytes.");
    }

    /// <summary>Parses nfc, nfkc or none (null).</summary>
    public static NormalizationForm? ParseNormalization(string text) => text.Trim().ToLowerInvariant() switch
    {
        "nfc" => NormalizationForm.FormC,
        "nfkc" => NormalizationForm.FormKC,
        "none" => null,
        _ => throw new ArgumentException($"--normalize '{text}' is not nfc, nfkc or none."),
    };

    /// <summary>Parses keep or strip (for --email-headers and --html); true means keep.</summary>
    public static bool ParseKeep(string text, string option) => text.Trim().ToLowerInvariant() switch
    {
        "keep" => true,
        "strip" => false,
        _ => throw new ArgumentException($"{option} '{text}' is not keep or strip."),
    };

    /// <summary>Parses auto, text or email.</summary>
    public static TextFileFormat ParseFormat(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => TextFileFormat.Auto,
        "text" or "plain" => TextFileFormat.Plain,
        "email" or "eml" => TextFileFormat.Email,
        _ => throw new ArgumentException($"--format '{text}' is not auto, text or email."),
    };
}

/// <summary>A text import refused as a whole (nothing recorded): the message names what was received and the fix.</summary>
public sealed class TextImportException(string message) : Exception(message);
