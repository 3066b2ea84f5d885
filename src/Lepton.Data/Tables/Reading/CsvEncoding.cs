using System.Text;

namespace Lepton.Data.Tables.Reading;

/// <summary>
/// The character encoding a CSV is read in: UTF-8 unless named (a byte-order mark wins either way). Spreadsheets on Windows
/// save "CSV" in the machine's code page (windows-1252 in Western Europe), so a file's encoding can be named rather than
/// converted first. Bytes the encoding does not define are an error, never silently replaced.
/// </summary>
public static class CsvEncoding
{
    static CsvEncoding() => System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Encodings worth naming in an error (any name .NET knows is accepted).</summary>
    public const string Examples = "utf-8, windows-1252, iso-8859-1 (latin1), iso-8859-15, utf-16";

    /// <summary>The encoding called <paramref name="name"/> (null: strict UTF-8); an unknown name is an error listing common ones.</summary>
    public static System.Text.Encoding Resolve(string? name)
    {
        if (name is null) return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            return System.Text.Encoding.GetEncoding(name.Trim(), EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"'{name}' is not a character encoding this machine knows; use one of {Examples}.");
        }
    }

    /// <summary>Whether <paramref name="name"/> means UTF-8 (null does).</summary>
    public static bool IsUtf8(string? name) => name is null || Resolve(name).CodePage == System.Text.Encoding.UTF8.CodePage;
}
