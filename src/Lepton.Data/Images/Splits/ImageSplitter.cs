using Lepton.Data.Images.Datasets;
using Lepton.Data.Splits;

namespace Lepton.Data.Images.Splits;

/// <summary>
/// How to split: fractions for test and validation (the rest is train), per-class exact proportions
/// (<see cref="Stratify"/>), whole groups on one side (<see cref="Grouped"/>: the items' Group, or the path when an item
/// has none), K folds over the non-test items (<see cref="Folds"/> &gt;= 2), and the seed of the hash.
/// </summary>
public sealed record SplitOptions(double Test = 0.2, double Validation = 0, bool Stratify = false, bool Grouped = false, int Folds = 0, int Seed = 0);

/// <summary>Items of one class in one split.</summary>
public sealed record SplitCount(string Split, string? Class, int Count);

/// <summary>The manifest with new splits (and folds) and the counts per split and class.</summary>
public sealed record SplitResult(ImageManifest Manifest, IReadOnlyList<SplitCount> Counts);

/// <summary>
/// Assigns train/validation/test (and folds) by a stable hash u = H(seed, key) of each item's key (its path, or its
/// group), so the assignment of an item depends only on itself (the arithmetic is <see cref="StableSplitAssigner"/>, shared with tables):
/// <list type="bullet">
/// <item>Plain: u &lt; test → test, u &lt; test + validation → validation, else train. Adding items never moves old ones.</item>
/// <item>Stratified: within each class the units are ranked by u and the first round(n·test) items go to test, the next
/// round(n·validation) to validation, so every class holds the proportions exactly. The price: adding m items to a class
/// can move old items that sit at a boundary of the ranking, at most 2(m + ceil(m·(test+validation)) + 1) per class
/// (an old item's rank grows by at most m and each of the two boundaries by at most ceil(m·p) + 1); items away from the
/// boundaries never move. Use the plain mode when no old item may ever move.</item>
/// <item>Folds: fold = floor(K·H(seed, "fold", key)) for the non-test items; test items get no fold.</item>
/// </list>
/// </summary>
public static class ImageSplitter
{
    public static SplitResult Split(ImageManifest manifest, SplitOptions options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Validate(options);
        var items = manifest.Items;
        string Key(ImageItem i) => options.Grouped && i.Group is { } g ? "group:" + g : "path:" + i.Path;
        var units = items.GroupBy(Key, StringComparer.Ordinal)
            .Select(g => new SplitUnit(g.Key, MostCommonLabel(g), g.Count()))
            .ToList();
        var splitOf = StableSplitAssigner.Assign(units, options.Test, options.Validation, options.Stratify, options.Seed);
        var updated = items.Select(i =>
        {
            var split = splitOf[Key(i)];
            int? fold = StableSplitAssigner.Fold(options.Seed, options.Folds, Key(i), split);
            return i with { Split = split, Fold = fold };
        }).ToList();
        var counts = updated.GroupBy(i => (i.Split!, i.Label))
            .Select(g => new SplitCount(g.Key.Item1, g.Key.Label, g.Count()))
            .OrderBy(c => ImageSplits.All.ToList().IndexOf(c.Split)).ThenBy(c => c.Class, StringComparer.Ordinal).ToList();
        return new SplitResult(manifest with { Items = updated }, counts);
    }

    private static void Validate(SplitOptions o)
    {
        StableSplitAssigner.ValidateFractions(o.Test, o.Validation);
        StableSplitAssigner.ValidateFolds(o.Folds);
    }

    /// <summary>A unit's stratum: its most common label (ties by label order).</summary>
    private static string? MostCommonLabel(IEnumerable<ImageItem> items) => items.GroupBy(i => i.Label).OrderByDescending(g => g.Count())
        .ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
}
