using Lepton.Data.Images.Inspection;
using Lepton.Data.Inspection;

namespace Lepton.Data.Audio.Inspection;

/// <summary>The manifest after an audio clean and what was dropped (in manifest order).</summary>
public sealed record AudioCleanResult(AudioManifest Manifest, IReadOnlyList<DroppedItem> Dropped);

/// <summary>
/// Removes the clips an audio inspection named from a manifest by the rules images and texts follow (<see cref="DropRules"/>);
/// user files are never touched: the new manifest lists fewer clips and shares the parent's blob.
/// </summary>
public static class AudioDatasetCleaner
{
    public static AudioCleanResult Clean(AudioManifest manifest, AudioInspectionReport report, IReadOnlySet<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(report);
        if (kinds.Contains(AudioInspectionKinds.SpeakerLeakage))
            throw new ArgumentException("speaker-leakage is fixed by splitting again (lepton data split NAME --group-column speaker), not by dropping a speaker's clips; leave it out of --drop.");
        var dropped = DropRules.Select([.. manifest.Items.Select(i => (i.Path, i.Split))], report.Findings, kinds);
        var paths = dropped.Select(d => d.Path).ToHashSet(StringComparer.Ordinal);
        return new AudioCleanResult(manifest with { Items = [.. manifest.Items.Where(i => !paths.Contains(i.Path))] }, dropped);
    }
}
