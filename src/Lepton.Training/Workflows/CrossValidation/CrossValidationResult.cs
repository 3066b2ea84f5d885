namespace Lepton.Training.Workflows.CrossValidation;

/// <summary>One fold: the examples it trained on and held out, its held-out metrics, and its run in the registry (null when untracked).</summary>
public sealed record FoldOutcome(int Fold, int TrainCount, int HeldOutCount, IReadOnlyDictionary<string, double> Metrics, string? RunId = null);

/// <summary>A metric over the folds: mean, sample standard deviation (n-1), minimum, maximum, and each fold's value.</summary>
public sealed record MetricSpread(string Name, double Mean, double Std, double Min, double Max, IReadOnlyList<double> Values)
{
    /// <summary>The spread of <paramref name="values"/> (NaN values, e.g. an undefined AUC, are left out).</summary>
    public static MetricSpread Of(string name, IReadOnlyList<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0) return new MetricSpread(name, double.NaN, double.NaN, double.NaN, double.NaN, values);
        double mean = finite.Average();
        double std = finite.Count < 2 ? 0 : Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Count - 1));
        return new MetricSpread(name, mean, std, finite.Min(), finite.Max(), values);
    }
}

/// <summary>What K-fold cross-validation measured: every fold and the spread of every metric; the parent run when tracked.</summary>
public sealed record CrossValidationResult(int Folds, ulong Seed, IReadOnlyList<FoldOutcome> FoldOutcomes, string? ParentRunId = null)
{
    /// <summary>Every metric the folds share, in the order the first fold reported them.</summary>
    public IReadOnlyList<MetricSpread> Metrics { get; } = FoldOutcomes.Count == 0 ? []
        : [.. FoldOutcomes[0].Metrics.Keys.Where(k => FoldOutcomes.All(f => f.Metrics.ContainsKey(k)))
            .Select(k => MetricSpread.Of(k, [.. FoldOutcomes.Select(f => f.Metrics[k])]))];

    /// <summary>True when Ctrl+C stopped the folds early: the spread covers the folds that finished.</summary>
    public bool Cancelled { get; init; }
}
