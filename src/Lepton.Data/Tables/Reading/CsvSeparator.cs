namespace Lepton.Data.Tables.Reading;

/// <summary>
/// Which separator a CSV file uses, read from its header row: of ',', ';', tab and '|', the one that occurs most outside quotes
/// (',' when none does, a one-column file). Spreadsheets in many locales save ';'-separated CSV.
/// </summary>
public static class CsvSeparator
{
    private const string Candidates = ",;\t|";

    /// <summary>The separator of <paramref name="path"/>'s header row.</summary>
    public static char SniffFile(string path)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var buffer = new char[1 << 16];
        int n = reader.ReadBlock(buffer, 0, buffer.Length);
        return Sniff(buffer.AsSpan(0, n));
    }

    /// <summary>The separator of the first row of <paramref name="text"/> (a header may quote names holding separators or newlines).</summary>
    public static char Sniff(ReadOnlySpan<char> text)
    {
        Span<int> counts = stackalloc int[Candidates.Length];
        bool quoted = false;
        foreach (char c in text)
        {
            if (c == '"') quoted = !quoted;
            else if (!quoted && c is '\n' or '\r') break;
            else if (!quoted && Candidates.IndexOf(c) is var i and >= 0) counts[i]++;
        }
        int best = 0;
        for (int i = 1; i < counts.Length; i++)
            if (counts[i] > counts[best]) best = i;
        return Candidates[best];
    }
}
