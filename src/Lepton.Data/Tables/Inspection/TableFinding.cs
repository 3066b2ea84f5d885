namespace Lepton.Data.Tables.Inspection;

/// <summary>
/// One problem a table inspection found: its <see cref="Kind"/> (a <see cref="TableInspectionKinds"/> word), a sentence
/// for people, the columns it concerns and the rows it names (row numbers of the imported data, 1-based; at most
/// <see cref="TableInspectionOptions.MaxRowsPerFinding"/> listed, <see cref="RowCount"/> counts them all).
/// </summary>
public sealed record TableFinding(string Kind, string Message, IReadOnlyList<string> Columns, IReadOnlyList<int> Rows, int RowCount)
{
    public TableFinding(string kind, string message, IReadOnlyList<string> columns)
        : this(kind, message, columns, [], 0)
    {
    }
}
