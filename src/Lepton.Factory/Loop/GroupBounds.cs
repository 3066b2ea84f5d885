using Lepton.Runtime.Tables;

namespace Lepton.Factory.Loop;

/// <summary>
/// What a yes/no table model must keep across the groups of some columns before it is registered (a recipe's gate) or promoted
/// (the loop): the columns (<c>home,age</c>, compared as <c>lepton eval --groups</c> does), the class the decision grants (null: the
/// model's second), the floor of the selection ratio (0.8: the four-fifths rule) and the largest true-positive rate difference;
/// a null bound checks nothing.
/// </summary>
public sealed record GroupBounds(string Columns, string? Favorable = null, double? MinSelectionRatio = null, double? MaxOpportunityDifference = null)
{
    /// <summary>The comparison as <c>lepton eval --groups</c> takes it.</summary>
    public GroupOptions Options => GroupOptions.Parse([Columns], Favorable, GroupFairness.DefaultMinRows);

    /// <summary>True when at least one bound is set (otherwise the groups are measured and logged, not judged).</summary>
    public bool Bounded => MinSelectionRatio is not null || MaxOpportunityDifference is not null;

    /// <summary>Throws <see cref="ArgumentException"/> naming a bound outside [0, 1] or a malformed column list.</summary>
    public GroupBounds Validate()
    {
        _ = Options;
        foreach (var (value, what) in new[] { (MinSelectionRatio, "minimum selection ratio"), (MaxOpportunityDifference, "maximum opportunity difference") })
            if (value is { } v && !(v >= 0 && v <= 1))
                throw new ArgumentException($"The {what} must be a share from 0 to 1, got {v}.");
        return this;
    }

    /// <summary>
    /// <paramref name="basis"/> (a recipe's) with the values given on a command line put over it; null when neither names columns.
    /// A favorable class or a bound without columns is refused.
    /// </summary>
    public static GroupBounds? Override(GroupBounds? basis, string? columns, string? favorable, double? minSelectionRatio, double? maxOpportunityDifference)
    {
        if (basis is null && columns is null)
            return favorable is null && minSelectionRatio is null && maxOpportunityDifference is null ? null
                : throw new ArgumentException("The minimum selection ratio, the maximum opportunity difference and the favorable class judge groups; name the columns (--groups home,age).");
        var b = basis ?? new GroupBounds(columns!);
        return b with
        {
            Columns = columns ?? b.Columns,
            Favorable = favorable ?? b.Favorable,
            MinSelectionRatio = minSelectionRatio ?? b.MinSelectionRatio,
            MaxOpportunityDifference = maxOpportunityDifference ?? b.MaxOpportunityDifference,
        };
    }
}
