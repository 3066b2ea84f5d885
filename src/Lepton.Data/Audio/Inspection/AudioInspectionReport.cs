using System.Text.Json;
using System.Text.Json.Serialization;
using Lepton.Data.Images.Inspection;

namespace Lepton.Data.Audio.Inspection;

/// <summary>What an audio inspection found: the findings (kind, sentence, clips named), the clip count and the readable clips per class.</summary>
public sealed record AudioInspectionReport(
    string? Dataset,
    int Items,
    IReadOnlyDictionary<string, int> ClassCounts,
    IReadOnlyList<InspectionFinding> Findings,
    AudioInspectionOptions Options)
{
    /// <summary>Number of findings of each kind that occurred, in <see cref="AudioInspectionKinds.All"/> order.</summary>
    public IReadOnlyDictionary<string, int> CountsByKind =>
        AudioInspectionKinds.All.Select(k => (k, n: Findings.Count(f => f.Kind == k))).Where(x => x.n > 0).ToDictionary(x => x.k, x => x.n);

    public IEnumerable<InspectionFinding> OfKind(string kind) => Findings.Where(f => f.Kind == kind);

    public string ToJson() => JsonSerializer.Serialize(new Document(Dataset, Items, CountsByKind, ClassCounts, Findings, Options), JsonOptions);

    private sealed record Document(string? Dataset, int Items, IReadOnlyDictionary<string, int> Counts,
        IReadOnlyDictionary<string, int> ClassCounts, IReadOnlyList<InspectionFinding> Findings, AudioInspectionOptions Thresholds);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
