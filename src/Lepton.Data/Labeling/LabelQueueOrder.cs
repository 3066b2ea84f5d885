namespace Lepton.Data.Labeling;

/// <summary>One thing waiting for a label: a key (a data set item's path or a prediction id) and, when a model scored it, how uncertain it was.</summary>
public sealed record LabelQueueKey(string Key, double? Uncertainty);

/// <summary>
/// The labeling queue's order: scored entries first, most uncertain first (ties by key), then unscored entries (data set
/// items nobody has a model for) by key, ordinally, so the same data gives the same queue on every machine.
/// </summary>
public sealed class LabelQueueOrder : IComparer<LabelQueueKey>
{
    public static LabelQueueOrder Instance { get; } = new();

    public int Compare(LabelQueueKey? x, LabelQueueKey? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return 1;
        if (y is null) return -1;
        if (x.Uncertainty is { } ux && y.Uncertainty is { } uy)
        {
            int byUncertainty = uy.CompareTo(ux);
            if (byUncertainty != 0) return byUncertainty;
        }
        else if (x.Uncertainty is not null) return -1;
        else if (y.Uncertainty is not null) return 1;
        return string.CompareOrdinal(x.Key, y.Key);
    }

    /// <summary>The entries in queue order (a stable sort: equal entries keep their order).</summary>
    public static IReadOnlyList<T> Sort<T>(IEnumerable<T> entries, Func<T, LabelQueueKey> key) =>
        entries.OrderBy(key, Instance).ToList();
}
