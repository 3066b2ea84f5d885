using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Splits;
using Lepton.Data.Splits;

namespace Lepton.Data.Audio;

/// <summary>The manifest with new splits (and folds) and the counts per split and class.</summary>
public sealed record AudioSplitResult(AudioManifest Manifest, IReadOnlyList<SplitCount> Counts);

/// <summary>
/// Splits an audio data set with the assignment shared by every modality (<see cref="SplitAssigner"/>): with groups
/// (<c>--group-column speaker</c>) each speaker's clips land in one split, so a model is tested on voices it never heard.
/// </summary>
public static class AudioSplitter
{
    public static AudioSplitResult Split(AudioManifest manifest, SplitOptions options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var assigned = SplitAssigner.Assign([.. manifest.Items.Select(i => new SplitKey(i.Path, i.Label, i.Group))], options);
        var updated = manifest.Items.Select((i, k) => i with { Split = assigned[k].Split, Fold = assigned[k].Fold }).ToList();
        var counts = updated.GroupBy(i => (i.Split!, i.Label)).Select(g => new SplitCount(g.Key.Item1, g.Key.Label, g.Count()))
            .OrderBy(c => ImageSplits.All.ToList().IndexOf(c.Split)).ThenBy(c => c.Class, StringComparer.Ordinal).ToList();
        return new AudioSplitResult(manifest with { Items = updated }, counts);
    }
}
