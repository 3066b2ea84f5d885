using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Inspection;

namespace Lepton.Data.Text.Inspection;

/// <summary>The manifest after a text clean and what was dropped (in manifest order).</summary>
public sealed record TextCleanResult(TextManifest Manifest, IReadOnlyList<DroppedItem> Dropped);

/// <summary>
/// Removes the items a text inspection named from a manifest, with the image cleaner's rules (user files are never
/// touched; the new manifest lists fewer items and shares the parent's blob): duplicates keep one copy, the first by split
/// (train, validation, test, none) then path; split-leakage keeps the copies in the first split present in that order;
/// conflicting-labels drops every copy; class-imbalance drops nothing; every other kind drops the items it names.
/// </summary>
public static class TextDatasetCleaner
{
    public static TextCleanResult Clean(TextManifest manifest, TextInspectionReport report, IReadOnlySet<string> kinds)
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
        int Rank(string path) => byPath.GetValueOrDefault(path)?.Split switch
        {
            ImageSplits.Train => 0,
            ImageSplits.Validation => 1,
            ImageSplits.Test => 2,
            _ => 3,
        };
        IEnumerable<string> ByPriority(IEnumerable<string> files) => files.OrderBy(Rank).ThenBy(p => p, StringComparer.Ordinal);

        foreach (var f in report.Findings.Where(f => kinds.Contains(f.Kind)))
        {
            switch (f.Kind)
            {
                case TextInspectionKinds.ExactDuplicate or TextInspectionKinds.NearDuplicate:
                    foreach (var path in ByPriority(f.Files).Skip(1)) Drop(path, f);
                    break;
                case TextInspectionKinds.SplitLeakage:
                    int keep = ByPriority(f.Files).Select(Rank).First();
                    foreach (var path in f.Files.Where(p => Rank(p) != keep)) Drop(path, f);
                    break;
                case TextInspectionKinds.ClassImbalance:
                    break;
                default:
                    foreach (var path in f.Files) Drop(path, f);
                    break;
            }
        }
        var kept = manifest.Items.Where(i => !dropped.ContainsKey(i.Path)).ToList();
        var order = manifest.Items.Select(i => i.Path).Where(dropped.ContainsKey).Select(p => dropped[p]).ToList();
        return new TextCleanResult(manifest with { Items = kept }, order);
    }
}
