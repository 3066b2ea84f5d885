using Lepton.Data.Images.Splits;

namespace Lepton.Data.Splits;

/// <summary>What the splitter needs to know of one item, whatever its modality: its path, its (first) label and its group.</summary>
public readonly record struct SplitKey(string Path, string? Label, string? Group);

/// <summary>
/// Item-level split assignment for images and texts: items are gathered into units (one item, or a group) and the units are
/// assigned by <see cref="StableSplitAssigner"/>, the arithmetic tables use as well; the rules are described there.
/// </summary>
public static class SplitAssigner
{
    /// <summary>The split (train/validation/test) and fold (null for test items or without folds) of each item, in input order.</summary>
    public static (string Split, int? Fold)[] Assign(IReadOnlyList<SplitKey> items, SplitOptions options)
    {
        ArgumentNullException.ThrowIfNull(items);
        Validate(options);
        string Key(SplitKey i) => options.Grouped && i.Group is { } g ? "group:" + g : "path:" + i.Path;
        var units = items.GroupBy(Key, StringComparer.Ordinal)
            .Select(g => new SplitUnit(g.Key, MostCommonLabel(g), g.Count()))
            .ToList();
        var splitOf = StableSplitAssigner.Assign(units, options.Test, options.Validation, options.Stratify, options.Seed);
        var result = new (string, int?)[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            string key = Key(items[i]), split = splitOf[key];
            result[i] = (split, StableSplitAssigner.Fold(options.Seed, options.Folds, key, split));
        }
        return result;
    }

    /// <summary>Checks the fractions and folds and names the wrong value.</summary>
    public static void Validate(SplitOptions o)
    {
        StableSplitAssigner.ValidateFractions(o.Test, o.Validation);
        StableSplitAssigner.ValidateFolds(o.Folds);
    }

    /// <summary>A unit's stratum: its most common label (ties by label order).</summary>
    private static string? MostCommonLabel(IEnumerable<SplitKey> items) => items.GroupBy(i => i.Label).OrderByDescending(g => g.Count())
        .ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
}
