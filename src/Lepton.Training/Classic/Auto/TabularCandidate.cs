using Lepton.NN.Tasks;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Encoding;
using Lepton.Training.Classic.LightGbm;
using Lepton.Training.Classic.Linear;
using Lepton.Training.Classic.Mlp;

namespace Lepton.Training.Classic.Auto;

/// <summary>One learner <see cref="TabularAuto"/> tries: a name and how to fit it on a fold.</summary>
public sealed record TabularCandidate(string Name, Func<FeatureMatrix, float[], TabularTask, CancellationToken, ITabularModel> Fit)
{
    /// <summary>Whether the candidate can train on <paramref name="x"/> at all, else why not (linear models need finite features).</summary>
    public Func<FeatureMatrix, string?> Refuses { get; init; } = _ => null;

    /// <summary>
    /// The column encoding the candidate is fitted on when <see cref="TabularAuto"/> is given a table's encodings: trees take
    /// ordinal categories and NaN as it is; linear models and the MLP imputed, standardized, one-hot features.
    /// </summary>
    public EncoderMode Encoding { get; init; } = EncoderMode.Trees;

    /// <summary>
    /// The default line-up, fastest first: a linear model (logistic, ridge, or a Poisson, gamma, Tweedie, median or quantile
    /// regression for those losses), gradient-boosted trees, a random forest; for classification also a linear SVM; last
    /// the MLP, the slowest (the time budget stops it on large tables). Every one seeded with
    /// <paramref name="seed"/> on <paramref name="numThreads"/> threads, weighing the rows by <paramref name="classWeights"/>. With
    /// <paramref name="monotone"/> constraints only the learners that keep them take part (the trees and the linear models; the MLP
    /// makes no such promise). With <paramref name="interactionGroups"/> (one per raw column: an additive model) the trees grow within
    /// them and the MLP is left out too.
    /// </summary>
    public static IReadOnlyList<TabularCandidate> Defaults(TabularTask task, int seed = 0, int numThreads = 0, ClassWeighting? classWeights = null,
        MonotoneConstraints? monotone = null, IReadOnlyList<IReadOnlyList<string>>? interactionGroups = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        var weights = classWeights ?? ClassWeighting.None;
        weights.CheckTask(task);
        var constraints = monotone ?? MonotoneConstraints.None;
        constraints.CheckTask(task);
        var list = new List<TabularCandidate>();
        list.Add(Linear(task.IsClassification ? "logistic" : task.Loss.Kind == RegressionLossKind.Squared ? "ridge" : LinearModel.DevianceLearner(task.Loss),
            new LinearOptions { ClassWeights = weights, Monotone = constraints }));
        list.AddRange(
        [
            new("gbdt", (x, y, t, ct) => GradientBoostingLearner.Fit(x, y, t,
                GradientBoostingOptions.Default with { Seed = seed, NumThreads = numThreads, ClassWeights = weights, Monotone = constraints, InteractionGroups = interactionGroups }, ct)),
            new("random_forest", (x, y, t, ct) => GradientBoostingLearner.Fit(x, y, t,
                GradientBoostingOptions.RandomForest with { Seed = seed, NumThreads = numThreads, ClassWeights = weights, Monotone = constraints, InteractionGroups = interactionGroups }, ct)),
        ]);
        if (task.IsClassification) list.Add(Linear("linear_svm", LinearOptions.Svm with { ClassWeights = weights, Monotone = constraints }));
        if (!constraints.IsNone || interactionGroups is not null) return list;
        list.Add(Mlp("mlp", new TabularMlpOptions { Seed = seed, ClassWeights = weights }));
        return list;
    }

    /// <summary>An MLP candidate; like the linear ones it refuses matrices with missing (non-finite) values.</summary>
    public static TabularCandidate Mlp(string name, TabularMlpOptions options) =>
        new(name, (x, y, t, ct) => TabularMlp.Fit(x, y, t, options, ct))
        {
            Refuses = x => MissingValues(x) ?? (x.Weights is not null ? "takes no row weights (--reweigh, --weight-column)" : null), Encoding = EncoderMode.Linear,
        };

    /// <summary>A linear candidate; it refuses matrices with missing (non-finite) values.</summary>
    public static TabularCandidate Linear(string name, LinearOptions options) =>
        new(name, (x, y, t, ct) => LinearLearner.Fit(x, y, t, options, ct)) { Refuses = MissingValues, Encoding = EncoderMode.Linear };

    private static string? MissingValues(FeatureMatrix x)
    {
        foreach (var v in x.Values)
            if (!float.IsFinite(v)) return "the features hold missing values (NaN); linear models and the MLP need them imputed (give TabularAuto the table's linear encoding, as lepton train does)";
        return null;
    }
}
