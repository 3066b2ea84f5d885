using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lepton.Data.Images.Inspection;

/// <summary>
/// What an inspection found in a data set version: the findings (each with its kind, a sentence and the files it names),
/// the item count and the readable items per class. Serializes to JSON for scripts; <see cref="InspectionHtml"/> renders it.
/// </summary>
public sealed record InspectionReport(
    string? Dataset,
    int Items,
    IReadOnlyDictionary<string, int> ClassCounts,
    IReadOnlyList<InspectionFinding> Findings,
    InspectionOptions Options)
{
    /// <summary>Number of findings of each kind that occurred, in <see cref="InspectionKinds.All"/> order.</summary>
    public IReadOnlyDictionary<string, int> CountsByKind =>
        InspectionKinds.All.Select(k => (k, n: Findings.Count(f => f.Kind == k)))
            .Where(x => x.n > 0).ToDictionary(x => x.k, x => x.n);

    /// <summary>The findings of one kind.</summary>
    public IEnumerable<InspectionFinding> OfKind(string kind) => Findings.Where(f => f.Kind == kind);

    public string ToJson() => JsonSerializer.Serialize(new Document(Dataset, Items, CountsByKind, ClassCounts, Findings,
        new Thresholds(Options.NearDuplicateDistance, Options.ImbalanceRatio, Options.MinSide, Options.MaxSide,
            Options.MaxAspectRatio, Options.NearConstantStd, Options.PredictedProbabilities is not null)), JsonOptions);

    private sealed record Document(string? Dataset, int Items, IReadOnlyDictionary<string, int> Counts,
        IReadOnlyDictionary<string, int> ClassCounts, IReadOnlyList<InspectionFinding> Findings, Thresholds Thresholds);

    private sealed record Thresholds(int NearDuplicateDistance, double ImbalanceRatio, int MinSide, int MaxSide,
        double MaxAspectRatio, double NearConstantStd, bool LabelErrors);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
