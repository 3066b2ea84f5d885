namespace Lepton.Data.Tables.Reading;

/// <summary>How a raw column's values arrived: text (CSV, Parquet strings) or already typed (Parquet).</summary>
internal enum RawKind
{
    Strings,
    Numbers,
    Booleans,
    Times,
}

/// <summary>One column as read, before kinds are inferred or checked: the values in the form the file gave them.</summary>
internal sealed class RawColumn(string name, RawKind kind, bool parseNumbers = false)
{
    public string Name { get; } = name;

    public RawKind Kind { get; } = kind;

    public TextCells Text { get; } = kind == RawKind.Strings ? new TextCells() : null!;

    /// <summary>
    /// A text column read with <c>parseNumbers</c>: its cells as numbers while every one so far is a number or missing (and
    /// <see cref="Text"/> stays empty); null otherwise. See <see cref="StopParsing"/>.
    /// </summary>
    public NumberCells? Parsed { get; private set; } = kind == RawKind.Strings && parseNumbers ? new NumberCells() : null;

    /// <summary>Whether <see cref="Text"/> is missing cells (a column that stopped parsing): the reader reads its text again.</summary>
    public bool NeedsText { get; private set; }

    /// <summary>A cell that is not a number ended the parsing: nothing more is stored until the column's text is read again.</summary>
    public void StopParsing()
    {
        Parsed = null;
        NeedsText = true;
    }

    /// <summary>Drops the parsed numbers so the column's text can be read in full (an identifier keeps its text, not its numbers).</summary>
    public void ReadTextAgain()
    {
        if (Text.Count != 0) throw new InvalidOperationException($"Column '{Name}' already holds text.");
        Parsed = null;
        NeedsText = true;
    }

    /// <summary>The text was read in full.</summary>
    public void TextRead() => NeedsText = false;

    public List<double> Numbers { get; } = kind == RawKind.Numbers ? [] : null!;

    public List<bool?> Booleans { get; } = kind == RawKind.Booleans ? [] : null!;

    public List<DateTime?> Times { get; } = kind == RawKind.Times ? [] : null!;

    /// <summary>For a numeric column: whether every value came from an integer type (ids are integers).</summary>
    public bool IntegerSource { get; set; }

    public int Count => Kind switch
    {
        RawKind.Strings => Parsed?.Count ?? Text.Count,
        RawKind.Numbers => Numbers.Count,
        RawKind.Booleans => Booleans.Count,
        _ => Times.Count,
    };
}

/// <summary>Columns as read from one or more files, with where each row came from (for messages that name file and line).</summary>
internal sealed class RawTable(IReadOnlyList<TableFile> files, List<RawColumn> columns)
{
    public IReadOnlyList<TableFile> Files { get; } = files;

    public List<RawColumn> Columns { get; } = columns;

    /// <summary>Each row's file (index into <see cref="Files"/>) and its line (CSV) or row (Parquet) in that file, 1-based.</summary>
    public List<(int File, int Line)> Origins { get; } = [];

    public int RowCount => Origins.Count;

    /// <summary>"data.csv line 17 (row 16)": where row <paramref name="row"/> (0-based) came from.</summary>
    public string Describe(int row)
    {
        var (file, line) = Origins[row];
        var f = Files[file];
        return f.Format switch
        {
            TableFormat.Parquet => $"{f.Name} row {line}",
            TableFormat.Query => $"the query's row {line}",
            TableFormat.Excel => $"{f.Name} sheet row {line} (row {row + 1})",
            _ => $"{f.Name} line {line} (row {row + 1})",
        };
    }
}
