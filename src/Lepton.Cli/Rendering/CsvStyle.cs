using System.Globalization;
using Lepton.Data.Tables.Reading;

namespace Lepton.Cli.Rendering;

/// <summary>How a scored CSV is written: its separator, and whether numbers take a decimal comma (as a ';'-separated input did).</summary>
public sealed record CsvStyle(char Separator = ',', bool DecimalComma = false)
{
    public static CsvStyle Default { get; } = new();

    /// <summary>The style of the CSV at <paramref name="input"/>: ';' with decimal commas when it is ';'-separated, else the default.</summary>
    public static CsvStyle Of(string input) =>
        TableFormats.FromPath(input) == TableFormat.Csv
        && CsvSeparator.SniffFile(input) == ';' ? new CsvStyle(';', DecimalComma: true) : Default;

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
