namespace Lepton.Data.Text.Inspection;

/// <summary>
/// Thresholds of a text inspection. Near duplicates: MinHash candidates (<see cref="MinHash"/>: 128 hashes, 32 bands of 4,
/// character 5-grams) confirmed when the exact Jaccard similarity of their shingle sets is at least
/// <see cref="NearDuplicateJaccard"/> 0.8 (a text with a changed word or two in a paragraph scores 0.85-0.95; two
/// different messages that share a template score under 0.6). Length outliers: texts whose log length lies more than
/// <see cref="LengthOutlierZ"/> 4 robust standard deviations (1.4826 MAD of the log lengths, at least 0.5) from the
/// median: never less than about 7x shorter or longer than the median text. <see cref="ImbalanceRatio"/> 0.2 as for images.
/// </summary>
public sealed record TextInspectionOptions(
    double NearDuplicateJaccard = 0.8,
    double LengthOutlierZ = 4.0,
    double ImbalanceRatio = 0.2,
    int MinHashes = 128,
    int Bands = 32,
    int ShingleSize = 5);
