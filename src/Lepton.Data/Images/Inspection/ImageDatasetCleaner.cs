using Lepton.Data.Images.Datasets;

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
/// conflicting-labels drops every copy (which label is right is unknown); class-imbalance drops nothing.
/// </summary>
public static class ImageDatasetCleaner
{
    public static CleanResult Clean(ImageManifest manifest, InspectionReport report, IReadOnlySet<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(report);
        var byPath = manifest.Items.ToDictionary(i => i.Path, StringComparer.Ordinal);
        var dropped = new Dictionary<string, DroppedItem>(StringComparer.Ordinal);
        void Drop(string path, InspectionFinding f)
        {
            if (!byPath.ContainsKey(path))
                throw new ArgumentException($"The report names {path}, which is not in this data set version; inspect this version again before cleaning it.");
            dropped.TryAdd(path, new DroppedItem(path, f.Kind, f.Message));
        }

        foreach (var f in report.Findings.Where(f => kinds.Contains(f.Kind)))
        {
            switch (f.Kind)
            {
                case InspectionKinds.ExactDuplicate or InspectionKinds.NearDuplicate:
                    foreach (var path in ByPriority(f.Files, byPath).Skip(1)) Drop(path, f);
                    break;
                case InspectionKinds.SplitLeakage:
                    var keep = ByPriority(f.Files, byPath).Select(p => Rank(byPath.GetValueOrDefault(p)?.Split)).First();
                    foreach (var path in f.Files.Where(p => Rank(byPath.GetValueOrDefault(p)?.Split) != keep)) Drop(path, f);
                    break;
                case InspectionKinds.ClassImbalance:
                    break;
                default:
                    foreach (var path in f.Files) Drop(path, f);
                    break;
            }
        }
        var kept = manifest.Items.Where(i => !dropped.ContainsKey(i.Path)).ToList();
        var order = manifest.Items.Select(i => i.Path).Where(dropped.ContainsKey).Select(p => dropped[p]).ToList();
        return new CleanResult(manifest with { Items = kept }, order);
    }

    private static IEnumerable<string> ByPriority(IEnumerable<string> files, Dictionary<string, ImageItem> byPath) =>
        files.OrderBy(p => Rank(byPath.GetValueOrDefault(p)?.Split)).ThenBy(p => p, StringComparer.Ordinal);

    private static int Rank(string? split) => split switch
    {
        ImageSplits.Train => 0,
        ImageSplits.Validation => 1,
        ImageSplits.Test => 2,
        _ => 3,
    };
}
