using Lepton.Data.Images.Datasets;

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
/// group), so the assignment of an item depends only on itself:
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
            .Select(g => new Unit(g.Key, g.ToList(), StableHash.Unit(options.Seed, "split", g.Key)))
            .ToList();
        var splitOf = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!options.Stratify)
        {
            foreach (var u in units)
                splitOf[u.Key] = u.Hash < options.Test ? ImageSplits.Test
                    : u.Hash < options.Test + options.Validation ? ImageSplits.Validation : ImageSplits.Train;
        }
        else
        {
            foreach (var stratum in units.GroupBy(u => u.Label ?? "", StringComparer.Ordinal))
            {
                var ranked = stratum.OrderBy(u => u.Hash).ThenBy(u => u.Key, StringComparer.Ordinal).ToList();
                int n = ranked.Sum(u => u.Items.Count);
                int testTarget = (int)Math.Round(n * options.Test, MidpointRounding.AwayFromZero);
                int valTarget = (int)Math.Round(n * options.Validation, MidpointRounding.AwayFromZero);
                int taken = 0;
                foreach (var u in ranked)
                {
                    // A unit goes where the running count still falls short of the target (groups may overshoot by one group).
                    splitOf[u.Key] = taken < testTarget ? ImageSplits.Test
                        : taken < testTarget + valTarget ? ImageSplits.Validation : ImageSplits.Train;
                    taken += u.Items.Count;
                }
            }
        }
        var updated = items.Select(i =>
        {
            var split = splitOf[Key(i)];
            int? fold = options.Folds >= 2 && split != ImageSplits.Test
                ? (int)(options.Folds * StableHash.Unit(options.Seed, "fold", Key(i))) : null;
            return i with { Split = split, Fold = fold };
        }).ToList();
        var counts = updated.GroupBy(i => (i.Split!, i.Label))
            .Select(g => new SplitCount(g.Key.Item1, g.Key.Label, g.Count()))
            .OrderBy(c => ImageSplits.All.ToList().IndexOf(c.Split)).ThenBy(c => c.Class, StringComparer.Ordinal).ToList();
        return new SplitResult(manifest with { Items = updated }, counts);
    }

    private static void Validate(SplitOptions o)
    {
        if (o.Test is < 0 or >= 1 || o.Validation is < 0 or >= 1 || o.Test + o.Validation >= 1)
            throw new ArgumentException($"Split fractions must be in [0,1) and leave some train: got test {o.Test}, validation {o.Validation}. Try --test 0.2 --validation 0.1.");
        if (o.Folds is 1 or < 0 or > 100)
            throw new ArgumentException($"Folds must be 0 (none) or 2..100, got {o.Folds}. Try --folds 5.");
    }

    /// <summary>Items that share a key (one item, or a group) and go to one side together; labelled by their most common label.</summary>
    private sealed record Unit(string Key, List<ImageItem> Items, double Hash)
    {
        public string? Label { get; } = Items.GroupBy(i => i.Label).OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
    }
}
