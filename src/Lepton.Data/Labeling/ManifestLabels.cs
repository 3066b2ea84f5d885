using Lepton.Data.Images.Datasets;

namespace Lepton.Data.Labeling;

/// <summary>What applying labels to a manifest did: the new manifest and which items got a new or changed label.</summary>
public sealed record LabelledManifest(ImageManifest Manifest, IReadOnlyList<string> Labelled, IReadOnlyList<string> Relabelled);

/// <summary>
/// Applies stored labels to an image manifest: each labelled path gets its label (paths the manifest does not hold are ignored,
/// as labels of another version may name files since removed); classes are the manifest's plus any new label, in ordinal
/// order when the manifest's were, else appended. Pixels and everything else about an item stay as they were.
/// </summary>
public static class ManifestLabels
{
    public static LabelledManifest Apply(ImageManifest manifest, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(labels);
        var labelled = new List<string>();
        var relabelled = new List<string>();
        var items = new List<ImageItem>(manifest.Items.Count);
        foreach (var item in manifest.Items)
        {
            if (labels.TryGetValue(item.Path, out var label) && label != item.Label)
            {
                (item.Label is null ? labelled : relabelled).Add(item.Path);
                items.Add(item with { Label = label });
            }
            else items.Add(item);
        }
        var classes = manifest.Classes.ToList();
        var added = items.Select(i => i.Label).OfType<string>().Distinct().Where(l => !classes.Contains(l)).Order(StringComparer.Ordinal).ToList();
        bool sorted = classes.SequenceEqual(classes.Order(StringComparer.Ordinal));
        classes.AddRange(added);
        if (sorted) classes.Sort(StringComparer.Ordinal);
        return new LabelledManifest(manifest with { Items = items, Classes = classes }, labelled, relabelled);
    }
}
