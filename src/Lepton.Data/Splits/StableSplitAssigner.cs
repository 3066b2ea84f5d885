using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Splits;

namespace Lepton.Data.Splits;

/// <summary>Items that go to one side of a split together (one item, or a group), with their stratum (most common label).</summary>
public readonly record struct SplitUnit(string Key, string? Label, int Size);

/// <summary>
/// The split assignment images and tables share: each unit's side comes from a stable hash u = H(seed, "split", key),
/// so it depends only on the unit itself.
/// <list type="bullet">
/// <item>Plain: u &lt; test → test, u &lt; test + validation → validation, else train. Adding units never moves old ones.</item>
/// <item>Stratified: within each label the units are ranked by u and the first round(n·test) items go to test, the next
/// round(n·validation) to validation, so every label holds the proportions exactly (units at a ranking boundary may
/// move when units are added; see <see cref="ImageSplitter"/>).</item>
/// <item>Folds: fold = floor(K·H(seed, "fold", key)) for non-test units.</item>
/// </list>
/// </summary>
public static class StableSplitAssigner
{
    /// <summary>The split of each unit, by key.</summary>
    public static Dictionary<string, string> Assign(IReadOnlyList<SplitUnit> units, double test, double validation, bool stratify, int seed)
    {
        ValidateFractions(test, validation);
        var splitOf = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!stratify)
        {
            foreach (var u in units)
            {
                double h = StableHash.Unit(seed, "split", u.Key);
                splitOf[u.Key] = h < test ? ImageSplits.Test : h < test + validation ? ImageSplits.Validation : ImageSplits.Train;
            }
            return splitOf;
        }
        foreach (var stratum in units.GroupBy(u => u.Label ?? "", StringComparer.Ordinal))
        {
            var ranked = stratum.Select(u => (Unit: u, Hash: StableHash.Unit(seed, "split", u.Key)))
                .OrderBy(x => x.Hash).ThenBy(x => x.Unit.Key, StringComparer.Ordinal).ToList();
            int n = ranked.Sum(x => x.Unit.Size);
            int testTarget = (int)Math.Round(n * test, MidpointRounding.AwayFromZero);
            int valTarget = (int)Math.Round(n * validation, MidpointRounding.AwayFromZero);
            int taken = 0;
            foreach (var (u, _) in ranked)
            {
                // A unit goes where the running count still falls short of the target (groups may overshoot by one group).
                splitOf[u.Key] = taken < testTarget ? ImageSplits.Test
                    : taken < testTarget + valTarget ? ImageSplits.Validation : ImageSplits.Train;
                taken += u.Size;
            }
        }
        return splitOf;
    }

    /// <summary>The fold of a non-test unit (null when folds &lt; 2 or the unit is in test).</summary>
    public static int? Fold(int seed, int folds, string key, string split) =>
        folds >= 2 && split != ImageSplits.Test ? (int)(folds * StableHash.Unit(seed, "fold", key)) : null;

    public static void ValidateFractions(double test, double validation)
    {
        if (test is < 0 or >= 1 || validation is < 0 or >= 1 || test + validation >= 1 || double.IsNaN(test) || double.IsNaN(validation))
            throw new ArgumentException($"Split fractions must be in [0,1) and leave some train: got test {test}, validation {validation}. Try --test 0.2 --validation 0.1.");
    }

    public static void ValidateFolds(int folds)
    {
        if (folds is 1 or < 0 or > 100)
            throw new ArgumentException($"Folds must be 0 (none) or 2..100, got {folds}. Try --folds 5.");
    }
}
