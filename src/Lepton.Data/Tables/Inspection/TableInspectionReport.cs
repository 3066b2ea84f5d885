using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lepton.Data.Tables.Inspection;

/// <summary>A column as the inspection saw it: kind, missing values and distinct values.</summary>
public sealed record TableColumnSummary(string Name, string Kind, int Missing, double MissingRate, int Distinct);

/// <summary>
/// What an inspection found in a table: one summary per column and the findings (each with its kind, a sentence, the
/// columns and the rows it names). Serializes to JSON for scripts.
/// </summary>
public sealed record TableInspectionReport(
    string? Dataset,
    int Rows,
    IReadOnlyList<TableColumnSummary> Columns,
    IReadOnlyList<TableFinding> Findings,
    TableInspectionOptions Options)
{
    /// <summary>Number of findings of each kind that occurred, in <see cref="TableInspectionKinds.All"/> order.</summary>
    public IReadOnlyDictionary<string, int> CountsByKind =>
        TableInspectionKinds.All.Select(k => (k, n: Findings.Count(f => f.Kind == k))).Where(x => x.n > 0).ToDictionary(x => x.k, x => x.n);

    public IEnumerable<TableFinding> OfKind(string kind) => Findings.Where(f => f.Kind == kind);

    public string ToJson() => JsonSerializer.Serialize(new Document(Dataset, Rows, CountsByKind, Columns, Findings, Options), JsonOptions);

    private sealed record Document(string? Dataset, int Rows, IReadOnlyDictionary<string, int> Counts,
        IReadOnlyList<TableColumnSummary> Columns, IReadOnlyList<TableFinding> Findings, TableInspectionOptions Thresholds);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
