namespace Lepton.Data.Profiles;

/// <summary>
/// A text model's reference for drift, built from its training texts: the decile profile of each per-text statistic
/// (<see cref="TextStatistics.Names"/>), the share of training tokens in each frequency bin, the script mix of the
/// characters, and the bins table that serving uses to count live tokens the same way.
/// </summary>
public sealed record TextReferenceProfile(
    TokenFrequencyBins Bins,
    IReadOnlyDictionary<string, StatisticProfile> Statistics,
    double[] FrequencyProportions,
    double[] ScriptProportions)
{
    /// <summary>Profiles the training texts' statistics (each computed with <paramref name="bins"/>).</summary>
    public static TextReferenceProfile Build(IReadOnlyList<TextStatistics> examples, TokenFrequencyBins bins)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("A text reference needs at least one training text.", nameof(examples));
        var statistics = TextStatistics.Names.ToDictionary(n => n, n => ReferenceProfile.Profile(examples.Select(e => e[n]).ToArray(), binAboveMax: true));
        return new TextReferenceProfile(bins, statistics,
            Proportions(examples, e => e.FrequencyBins, TokenFrequencyBins.Count),
            Proportions(examples, e => e.Scripts, TextScripts.Names.Count));
    }

    /// <summary>Each entry's share of the summed counts (all 0 when nothing was counted).</summary>
    public static double[] Proportions(IEnumerable<TextStatistics> examples, Func<TextStatistics, int[]> counts, int length)
    {
        var sums = new double[length];
        foreach (var e in examples)
        {
            var c = counts(e);
            for (int i = 0; i < length && i < c.Length; i++) sums[i] += c[i];
        }
        double total = sums.Sum();
        if (total > 0) for (int i = 0; i < length; i++) sums[i] /= total;
        return sums;
    }
}
