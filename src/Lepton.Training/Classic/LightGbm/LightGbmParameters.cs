using Lepton.NN.Tasks;
using System.Globalization;
using Lepton.NN.Serialization;

namespace Lepton.Training.Classic.LightGbm;

/// <summary>LightGBM's <c>key=value</c> parameter text for a task and <see cref="GradientBoostingOptions"/>.</summary>
public static class LightGbmParameters
{
    /// <summary>
    /// The metric early stopping watches (lower is better): log loss for classifiers; for regression the loss's own (squared
    /// error <c>l2</c>, <c>l1</c>, <c>quantile</c>, or the <c>poisson</c>, <c>gamma</c>, <c>tweedie</c> negative log-likelihood).
    /// </summary>
    public static string Metric(TabularTask task) => Names(task).Metric;

    // LightGBM's objective for the task and its loss, and the metric of that objective.
    private static (string Objective, string Metric) Names(TabularTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.Kind switch
        {
            TaskKind.Binary => ("binary", "binary_logloss"),
            TaskKind.Multiclass => ("multiclass", "multi_logloss"),
            TaskKind.Regression => task.Loss.Kind switch
            {
                RegressionLossKind.Squared => ("regression", "l2"),
                RegressionLossKind.Absolute => ("regression_l1", "l1"),
                RegressionLossKind.Quantile => ("quantile", "quantile"),
                RegressionLossKind.Poisson => ("poisson", "poisson"),
                RegressionLossKind.Gamma => ("gamma", "gamma"),
                _ => ("tweedie", "tweedie"),
            },
            _ => throw new ArgumentException($"LightGBM learners take binary, multiclass or regression tasks, got {TaskSpec.NameOf(task.Kind)}."),
        };
    }

    /// <summary>Matrices below this many values train on one thread unless told otherwise.</summary>
    public const long SmallMatrixCells = 1_000_000;

    /// <summary>
    /// The parameters for <paramref name="task"/> and <paramref name="options"/> on a matrix of <paramref name="cells"/> values: with
    /// <see cref="GradientBoostingOptions.NumThreads"/> 0, a small matrix trains on one thread (OpenMP's barriers cost more than
    /// they save there, and far more on a busy machine) and a large one on every core. Monotone constraints need the matrix's
    /// <paramref name="featureNames"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Build(TabularTask task, GradientBoostingOptions options, IReadOnlyList<int> categoricalFeatures, long cells = 0,
        IReadOnlyList<string>? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(categoricalFeatures);
        var p = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["objective"] = Names(task).Objective,
            ["metric"] = Names(task).Metric,
            ["boosting"] = options.Mode == BoostingMode.RandomForest ? "rf" : "gbdt",
            ["learning_rate"] = Number(options.LearningRate),
            ["num_leaves"] = Number(options.NumLeaves),
            ["min_data_in_leaf"] = Number(options.MinDataInLeaf),
            ["max_depth"] = Number(options.MaxDepth),
            ["feature_fraction"] = Number(options.FeatureFraction),
            ["bagging_fraction"] = Number(options.BaggingFraction),
            ["bagging_freq"] = Number(options.BaggingFrequency),
            ["lambda_l2"] = Number(options.L2),
            ["max_bin"] = Number(options.MaxBin),
            ["seed"] = Number(options.Seed),
            ["verbosity"] = "-1",
        };
        if (task.Kind == TaskKind.Multiclass) p["num_class"] = Number(task.ClassCount);
        if (task.Loss.Kind == RegressionLossKind.Quantile) p["alpha"] = Number(task.Loss.Parameter);
        if (task.Loss.Kind == RegressionLossKind.Tweedie) p["tweedie_variance_power"] = Number(task.Loss.Parameter);
        p["num_threads"] = Number(options.NumThreads > 0 ? options.NumThreads : cells < SmallMatrixCells ? 1 : Environment.ProcessorCount);
        if (options.Deterministic)
        {
            p["deterministic"] = "true";
            // A fixed histogram layout is the same on every run (LightGBM's automatic choice times both and may differ). Column-wise,
            // as LightGBM recommends for few threads and many features: on Fashion-MNIST's 784 columns and 2 threads ten rounds cost
            // about the same on an idle machine (11.8 s against 11.1 s row-wise), but row-wise stalls when the cores are shared
            // (18 s against 66 s at a load average of 7-11).
            p["force_col_wise"] = "true";
        }
        if (!options.Monotone.IsNone)
        {
            options.Monotone.CheckTask(task);
            var directions = options.Monotone.PerFeature(featureNames ?? throw new ArgumentException("Monotone constraints need the feature names of the matrix."), categoricalFeatures);
            p["monotone_constraints"] = string.Join(",", directions.Select(d => Number(d)));
            p["monotone_constraints_method"] = "intermediate";
        }
        if (options.InteractionGroups is { } groups)
            p["interaction_constraints"] = InteractionConstraints(groups, featureNames ?? throw new ArgumentException("Interaction groups need the feature names of the matrix."));
        if (categoricalFeatures.Count > 0) p["categorical_feature"] = string.Join(",", categoricalFeatures.Select(c => Number(c)));
        foreach (var (k, v) in options.Extra ?? new Dictionary<string, string>())
        {
            if (k.Any(c => char.IsWhiteSpace(c) || c == '=') || v.Any(char.IsWhiteSpace))
                throw new ArgumentException($"LightGBM parameter '{k}={v}' holds whitespace or '='; give one key and one value without spaces.");
            p[k] = v;
        }
        return p;
    }

    // LightGBM's interaction_constraints text, [0],[1,2],[3], from groups of feature names that must cover every feature once.
    private static string InteractionConstraints(IReadOnlyList<IReadOnlyList<string>> groups, IReadOnlyList<string> featureNames)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < featureNames.Count; j++) index.TryAdd(featureNames[j], j);
        var seen = new HashSet<int>();
        var parts = new List<string>();
        foreach (var group in groups)
        {
            var members = new List<int>();
            foreach (var name in group)
            {
                if (!index.TryGetValue(name, out int j)) throw new ArgumentException($"Interaction group names feature '{name}', which the matrix does not have.");
                if (!seen.Add(j)) throw new ArgumentException($"Feature '{name}' is in two interaction groups; give each feature one group.");
                members.Add(j);
            }
            if (members.Count > 0) parts.Add("[" + string.Join(",", members.Select(Number)) + "]");
        }
        if (seen.Count != featureNames.Count)
            throw new ArgumentException($"Interaction groups leave out feature '{featureNames[Enumerable.Range(0, featureNames.Count).First(j => !seen.Contains(j))]}'; give every feature a group.");
        return string.Join(",", parts);
    }

    /// <summary>The text form LightGBM parses: <c>k1=v1 k2=v2</c>.</summary>
    public static string Text(IReadOnlyDictionary<string, string> parameters) =>
        string.Join(" ", parameters.Select(kv => $"{kv.Key}={kv.Value}"));

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Number(int v) => v.ToString(CultureInfo.InvariantCulture);
}
