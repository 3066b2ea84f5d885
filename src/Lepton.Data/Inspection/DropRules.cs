using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Inspection;

namespace Lepton.Data.Inspection;

/// <summary>
/// Which items a clean drops, for every modality (image and text findings use the same kind words): exact- and
/// near-duplicate keep one copy, the first by split (train, validation, test, none) then path; split-leakage keeps the
/// copies in the first split present in that order and drops those in the others; class-imbalance drops nothing; every
/// other kind (conflicting labels included: which label is right is unknown) drops the items it names.
/// </summary>
public static class DropRules
{
    /// <summary>The items to drop, in the order of <paramref name="items"/>; a finding naming an unknown path is an error.</summary>
    public static IReadOnlyList<DroppedItem> Select(IReadOnlyList<(string Path, string? Split)> items, IEnumerable<InspectionFinding> findings, IReadOnlySet<string> kinds)
    {
        var splitOf = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (path, split) in items) splitOf.TryAdd(path, split);
        var dropped = new Dictionary<string, DroppedItem>(StringComparer.Ordinal);
        void Drop(string path, InspectionFinding f)
        {
            if (!splitOf.ContainsKey(path))
                throw new ArgumentException($"The report names {path}, which is not in this data set version; inspect this version again before cleaning it.");
            dropped.TryAdd(path, new DroppedItem(path, f.Kind, f.Message));
        }
        int Rank(string path) => splitOf.GetValueOrDefault(path) switch
        {
            ImageSplits.Train => 0,
            ImageSplits.Validation => 1,
            ImageSplits.Test => 2,
            _ => 3,
        };
        IEnumerable<string> ByPriority(IEnumerable<string> files) => files.OrderBy(Rank).ThenBy(p => p, StringComparer.Ordinal);

        foreach (var f in findings.Where(f => kinds.Contains(f.Kind)))
        {
            switch (f.Kind)
            {
                case InspectionKinds.ExactDuplicate or InspectionKinds.NearDuplicate:
                    foreach (var path in ByPriority(f.Files).Skip(1)) Drop(path, f);
                    break;
                case InspectionKinds.SplitLeakage:
                    int keep = ByPriority(f.Files).Select(Rank).First();
                    foreach (var path in f.Files.Where(p => Rank(p) != keep)) Drop(path, f);
                    break;
                case InspectionKinds.ClassImbalance:
                    break;
                default:
                    foreach (var path in f.Files) Drop(path, f);
                    break;
            }
        }
        return [.. items.Select(i => i.Path).Distinct(StringComparer.Ordinal).Where(dropped.ContainsKey).Select(p => dropped[p])];
    }
}
