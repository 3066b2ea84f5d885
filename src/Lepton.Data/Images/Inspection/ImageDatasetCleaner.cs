using Lepton.Data.Images.Datasets;
using Lepton.Data.Inspection;

namespace Lepton.Data.Images.Inspection;

/// <summary>An item a clean removed, the kind of finding that removed it and the finding's sentence.</summary>
public sealed record DroppedItem(string Path, string Kind, string Reason);

/// <summary>The manifest after a clean and what was dropped (in manifest order).</summary>
public sealed record CleanResult(ImageManifest Manifest, IReadOnlyList<DroppedItem> Dropped);

/// <summary>
/// Removes the items an inspection named from a manifest; user files are never touched (the new manifest just lists
/// fewer items, and its pixels stay in the parent's shards). Per kind:
/// unreadable, not-an-image, extreme-size, near-constant and label-error drop the named files;
/// exact- and near-duplicate keep one copy, the first by split (train, validation, test, none) then path;
/// split-leakage keeps the copies in the first split present in that order and drops those in the others;
/// conflicting-labels drops every copy (which label is right is unknown); class-imbalance drops nothing. The rules live in
/// <see cref="DropRules"/>, shared with text data sets.
/// </summary>
public static class ImageDatasetCleaner
{
    public static CleanResult Clean(ImageManifest manifest, InspectionReport report, IReadOnlySet<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(report);
        var dropped = DropRules.Select([.. manifest.Items.Select(i => (i.Path, i.Split))], report.Findings, kinds);
        var paths = dropped.Select(d => d.Path).ToHashSet(StringComparer.Ordinal);
        return new CleanResult(manifest with { Items = [.. manifest.Items.Where(i => !paths.Contains(i.Path))] }, dropped);
    }
}
