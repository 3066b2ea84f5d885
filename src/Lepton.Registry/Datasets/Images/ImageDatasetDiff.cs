using Lepton.Data.Images.Datasets;

namespace Lepton.Registry.Datasets.Images;

/// <summary>How one item differs between two versions.</summary>
public enum ImageChangeKind
{
    Added,
    Removed,
    Relabelled,
    MovedSplit,
    ChangedContent,
    Renamed,
}

/// <summary>One difference: the item's path in the newer version (the older one's for a removal) and what it was before.</summary>
public sealed record ImageChange(ImageChangeKind Kind, string Path, string? OldPath = null, string? OldLabel = null, string? NewLabel = null,
    string? OldSplit = null, string? NewSplit = null);

/// <summary>
/// What changed between two versions. Items are matched by path, then unmatched ones by file hash, so a file moved to
/// another class folder is one relabelled item (not a removal and an addition).
/// </summary>
public sealed record ImageDatasetDiff(IReadOnlyList<ImageChange> Changes)
{
    public IEnumerable<ImageChange> Of(ImageChangeKind kind) => Changes.Where(c => c.Kind == kind);

    public bool IsEmpty => Changes.Count == 0;

    public static ImageDatasetDiff Between(ImageManifest a, ImageManifest b)
    {
        var changes = new List<ImageChange>();
        var before = a.Items.ToDictionary(i => i.Path, StringComparer.Ordinal);
        var after = b.Items.ToDictionary(i => i.Path, StringComparer.Ordinal);
        var removed = new List<ImageItem>();
        var added = new List<ImageItem>();
        foreach (var old in a.Items)
        {
            if (!after.TryGetValue(old.Path, out var now)) { removed.Add(old); continue; }
            if (old.Sha256 != now.Sha256) changes.Add(new ImageChange(ImageChangeKind.ChangedContent, now.Path, old.Path, old.Label, now.Label, old.Split, now.Split));
            Compare(old, now, changes);
        }
        foreach (var now in b.Items) if (!before.ContainsKey(now.Path)) added.Add(now);
        // Pair a removed and an added item with the same bytes: the file moved (to another class folder or split).
        var bySha = removed.GroupBy(i => i.Sha256).ToDictionary(g => g.Key, g => new Queue<ImageItem>(g));
        foreach (var now in added)
        {
            if (bySha.TryGetValue(now.Sha256, out var q) && q.Count > 0)
            {
                var old = q.Dequeue();
                int count = changes.Count;
                Compare(old, now, changes);
                if (changes.Count == count) changes.Add(new ImageChange(ImageChangeKind.Renamed, now.Path, old.Path, old.Label, now.Label, old.Split, now.Split));
            }
            else changes.Add(new ImageChange(ImageChangeKind.Added, now.Path, NewLabel: now.Label, NewSplit: now.Split));
        }
        foreach (var q in bySha.Values)
            foreach (var old in q) changes.Add(new ImageChange(ImageChangeKind.Removed, old.Path, old.Path, old.Label, OldSplit: old.Split));
        return new ImageDatasetDiff([.. changes.OrderBy(c => c.Kind).ThenBy(c => c.Path, StringComparer.Ordinal)]);
    }

    private static void Compare(ImageItem old, ImageItem now, List<ImageChange> changes)
    {
        string? oldPath = old.Path == now.Path ? null : old.Path;
        if (old.Label != now.Label) changes.Add(new ImageChange(ImageChangeKind.Relabelled, now.Path, oldPath, old.Label, now.Label, old.Split, now.Split));
        if (old.Split != now.Split) changes.Add(new ImageChange(ImageChangeKind.MovedSplit, now.Path, oldPath, old.Label, now.Label, old.Split, now.Split));
    }
}
