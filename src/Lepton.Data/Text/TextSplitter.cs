using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Splits;
using Lepton.Data.Splits;

namespace Lepton.Data.Text;

/// <summary>The manifest with new splits (and folds) and the counts per split and class.</summary>
public sealed record TextSplitResult(TextManifest Manifest, IReadOnlyList<SplitCount> Counts);

/// <summary>
/// Splits a text data set with the same assignment as images (<see cref="SplitAssigner"/>: stable hash of seed and path or
/// group; stratified by the first label). A multi-label item counts once per label in <see cref="TextSplitResult.Counts"/>.
/// </summary>
public static class TextSplitter
{
    public static TextSplitResult Split(TextManifest manifest, SplitOptions options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var assigned = SplitAssigner.Assign([.. manifest.Items.Select(i => new SplitKey(i.Path, i.Label, i.Group))], options);
        var updated = manifest.Items.Select((i, k) => i with { Split = assigned[k].Split, Fold = assigned[k].Fold }).ToList();
        var counts = updated.SelectMany(i => i.Labels.Count == 0 ? [(i.Split!, (string?)null)] : i.Labels.Select(l => (i.Split!, (string?)l)))
            .GroupBy(x => x).Select(g => new SplitCount(g.Key.Item1, g.Key.Item2, g.Count()))
            .OrderBy(c => ImageSplits.All.ToList().IndexOf(c.Split)).ThenBy(c => c.Class, StringComparer.Ordinal).ToList();
        return new TextSplitResult(manifest with { Items = updated }, counts);
    }
}
