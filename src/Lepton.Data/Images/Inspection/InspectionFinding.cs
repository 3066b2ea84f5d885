namespace Lepton.Data.Images.Inspection;

/// <summary>
/// One problem an inspection found: its <see cref="Kind"/> (an <see cref="InspectionKinds"/> word), a sentence for people,
/// and the files it names (item paths). <see cref="Class"/> is set for class-imbalance findings.
/// </summary>
public sealed record InspectionFinding(string Kind, string Message, IReadOnlyList<string> Files, string? Class = null);
