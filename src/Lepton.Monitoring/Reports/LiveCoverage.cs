namespace Lepton.Monitoring;

/// <summary>
/// Whether a model's conformal intervals (regressors) or prediction sets (classifiers) still hold the truth as often as they
/// promise, from client feedback: how many labelled answers, how many held their label, against the <see cref="Level"/> the
/// intervals were fitted for; and how much they said (mean width of two-sided intervals, mean size of sets).
/// </summary>
public sealed record LiveCoverage(int Labels, int Covered, double Level)
{
    /// <summary>The share of labelled answers whose interval or set held the truth.</summary>
    public double Coverage => Labels == 0 ? double.NaN : Covered / (double)Labels;

    /// <summary>Level minus coverage: above 0 the answers hold the truth less often than promised (the world moved, or the model did).</summary>
    public double Shortfall => Level - Coverage;

    /// <summary>Prediction sets of a classifier rather than intervals.</summary>
    public bool IsSet { get; init; }

    /// <summary>The mean upper − lower of the labelled answers' intervals; null for sets and one-sided bounds.</summary>
    public double? MeanWidth { get; init; }

    /// <summary>The mean number of classes in the labelled answers' sets; null for intervals.</summary>
    public double? MeanSetSize { get; init; }

    /// <summary>A classifier's coverage among the labels of each true class, in the model's class order (empty for intervals).</summary>
    public IReadOnlyList<LiveClassCoverage> ByClass { get; init; } = [];
}

/// <summary>How many labels of one true class came back and how many of them the answers' sets held.</summary>
public sealed record LiveClassCoverage(string Class, int Labels, int Covered)
{
    public double Coverage => Labels == 0 ? double.NaN : Covered / (double)Labels;
}
