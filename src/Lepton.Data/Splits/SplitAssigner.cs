using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Splits;

namespace Lepton.Data.Splits;

/// <summary>What the splitter needs to know of one item, whatever its modality: its path, its (first) label and its group.</summary>
public readonly record struct SplitKey(string Path, string? Label, string? Group);

/// <summary>
/// The split assignment shared by every modality (images, text): a stable hash u = H(seed, key) of each item's key (its
/// path, or its group) decides its side, so the assignment of an item depends only on itself. The rules are described on
/// <see cref="ImageSplitter"/>; this class holds them once so text and images split the same way.
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
        var result = new (string, int?)[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var split = splitOf[Key(items[i])];
            int? fold = options.Folds >= 2 && split != ImageSplits.Test
                ? (int)(options.Folds * StableHash.Unit(options.Seed, "fold", Key(items[i]))) : null;
            result[i] = (split, fold);
        }
        return result;
    }

    /// <summary>Checks the fractions and folds and names the wrong value.</summary>
    public static void Validate(SplitOptions o)
    {
        if (o.Test is < 0 or >= 1 || o.Validation is < 0 or >= 1 || o.Test + o.Validation >= 1)
            throw new ArgumentException($"Split fractions must be in [0,1) and leave some train: got test {o.Test}, validation {o.Validation}. Try --test 0.2 --validation 0.1.");
        if (o.Folds is 1 or < 0 or > 100)
            throw new ArgumentException($"Folds must be 0 (none) or 2..100, got {o.Folds}. Try --folds 5.");
    }

    /// <summary>Items that share a key (one item, or a group) and go to one side together; labelled by their most common label.</summary>
    private sealed record Unit(string Key, List<SplitKey> Items, double Hash)
    {
        public string? Label { get; } = Items.GroupBy(i => i.Label).OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
    }
}
