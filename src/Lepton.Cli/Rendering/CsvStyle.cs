using System.Globalization;
using Lepton.Data.Tables.Reading;

namespace Lepton.Cli.Rendering;

/// <summary>
/// How a scored CSV is written: its separator, whether numbers take a decimal comma (as a ';'-separated input did), and its
/// character encoding (null: UTF-8; an input read in windows-1252 is answered in it, so it opens where its source did).
/// </summary>
public sealed record CsvStyle(char Separator = ',', bool DecimalComma = false, string? Encoding = null)
{
    public static CsvStyle Default { get; } = new();

    /// <summary>The style of the CSV at <paramref name="input"/> (read in <paramref name="encoding"/>): ';' with decimal commas when it is ';'-separated.</summary>
    public static CsvStyle Of(string input, string? encoding = null) =>
        (TableFormats.FromPath(input) == TableFormat.Csv && CsvSeparator.SniffFile(input) == ';' ? new CsvStyle(';', DecimalComma: true) : Default)
        with { Encoding = encoding };

    /// <summary>The encoding the file is written in; a character it cannot hold becomes '?' rather than failing the whole file.</summary>
    public System.Text.Encoding TextEncoding() =>
        Encoding is null ? new System.Text.UTF8Encoding(false) : System.Text.Encoding.GetEncoding(CsvEncoding.Resolve(Encoding).CodePage);

    /// <summary>A number in this style ("0,25" with a decimal comma); null for anything that is not a finite number.</summary>
    public string? Number(object? v)
    {
        string? text = v switch
        {
            double d when double.IsFinite(d) => d.ToString("R", CultureInfo.InvariantCulture),
            float f when float.IsFinite(f) => f.ToString("R", CultureInfo.InvariantCulture),
            _ => null,
        };
        return text is not null && DecimalComma ? text.Replace('.', ',') : text;
    }

    public string Quote(string s) =>
        s.IndexOfAny([Separator, '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
