namespace Lepton.Reports.Html;

/// <summary>
/// A section a modality adds to the evaluation page (a table model's permutation importance): its anchor, its navigation link,
/// its heading, and its body, HTML its maker has already escaped.
/// </summary>
public sealed record ReportSection(string Id, string Link, string Title, string Html);
