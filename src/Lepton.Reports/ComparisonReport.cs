using Lepton.Reports.Statistics;

namespace Lepton.Reports;

/// <summary>
/// Two models on the same examples: each one's <see cref="EvaluationReport"/>, McNemar's test on accuracy, a paired bootstrap
/// of the other headline metrics (second − first), and the examples only one of them gets right, the other's most
/// confident mistakes first.
/// </summary>
public sealed class ComparisonReport
{
    private ComparisonReport(EvaluationReport first, EvaluationReport second, McNemarResult mcNemar, IReadOnlyList<PairedDifference> differences,
        IReadOnlyList<Mistake> onlyFirstCorrect, IReadOnlyList<Mistake> onlySecondCorrect)
    {
        First = first;
        Second = second;
        McNemar = mcNemar;
        Differences = differences;
        OnlyFirstCorrect = onlyFirstCorrect;
        OnlySecondCorrect = onlySecondCorrect;
    }

    public EvaluationReport First { get; }

    public EvaluationReport Second { get; }

    public McNemarResult McNemar { get; }

    /// <summary>accuracy, macro F1 and weighted F1: values, difference (second − first), interval and p-value.</summary>
    public IReadOnlyList<PairedDifference> Differences { get; }

    /// <summary>Examples the first model gets right and the second wrong (the second's mistakes, most confident first).</summary>
    public IReadOnlyList<Mistake> OnlyFirstCorrect { get; }

    /// <summary>Examples the second model gets right and the first wrong (the first's mistakes, most confident first).</summary>
    public IReadOnlyList<Mistake> OnlySecondCorrect { get; }

    /// <summary>The same comparison over <paramref name="first"/> and <paramref name="second"/>, the same reports shown through other views.</summary>
    internal ComparisonReport WithReports(EvaluationReport first, EvaluationReport second) =>
        new(first, second, McNemar, Differences, OnlyFirstCorrect, OnlySecondCorrect);

    public static ComparisonReport Build(EvaluationReport first, EvaluationReport second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (!ReferenceEquals(first.Data, second.Data))
            throw new ArgumentException($"ComparisonReport: the models were evaluated on different data ({first.Data.Name}, {second.Data.Name}); a paired test needs the same examples.");
        if (!first.ClassNames.SequenceEqual(second.ClassNames))
            throw new ArgumentException($"ComparisonReport: the models name different classes ({string.Join(", ", first.ClassNames)} and {string.Join(", ", second.ClassNames)}).");
        var a = first.Headline;
        var b = second.Headline;
        var aCorrect = Enumerable.Range(0, a.Count).Select(a.IsCorrect).ToArray();
        var bCorrect = Enumerable.Range(0, b.Count).Select(b.IsCorrect).ToArray();
        var options = first.Options;
        var mcNemar = Statistics.McNemar.Test(aCorrect, bCorrect);
        var differences = PairedBootstrap.Compare(a.Predicted, b.Predicted, a.Labels, a.Classes, options.BootstrapResamples, options.Seed, options.Level);
        var indices = first.Data.HeadlineIndices;
        var onlyFirst = indices.Where(i => first.Scores.IsCorrect(i) && !second.Scores.IsCorrect(i)).ToList();
        var onlySecond = indices.Where(i => !first.Scores.IsCorrect(i) && second.Scores.IsCorrect(i)).ToList();
        var s = second.Scores;
        var f = first.Scores;
        return new ComparisonReport(first, second, mcNemar, differences,
            [.. ErrorAnalysis.Mistakes(s.Probabilities, s.Classes, s.Predicted, s.Labels, onlyFirst).Take(options.Mistakes)],
            [.. ErrorAnalysis.Mistakes(f.Probabilities, f.Classes, f.Predicted, f.Labels, onlySecond).Take(options.Mistakes)]);
    }
}
