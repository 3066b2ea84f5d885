using Lepton.Data.Images.Inspection;
using Lepton.Data.Inspection;

namespace Lepton.Data.Text.Inspection;

/// <summary>The manifest after a text clean and what was dropped (in manifest order).</summary>
public sealed record TextCleanResult(TextManifest Manifest, IReadOnlyList<DroppedItem> Dropped);

/// <summary>
/// Removes the items a text inspection named from a manifest by the rules images follow (<see cref="DropRules"/>); user
/// files are never touched: the new manifest lists fewer items and shares the parent's blob.
/// </summary>
public static class TextDatasetCleaner
{
    public static TextCleanResult Clean(TextManifest manifest, TextInspectionReport report, IReadOnlySet<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(report);
        var dropped = DropRules.Select([.. manifest.Items.Select(i => (i.Path, i.Split))], report.Findings, kinds);
        var paths = dropped.Select(d => d.Path).ToHashSet(StringComparer.Ordinal);
        return new TextCleanResult(manifest with { Items = [.. manifest.Items.Where(i => !paths.Contains(i.Path))] }, dropped);
    }
}
