using System.Globalization;
using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Space;
using Lepton.Registry;
using Lepton.Training.Classic.LightGbm;
using Lepton.Training.Workflows.Tables;

namespace Lepton.Compression.Tuning.Objectives;

/// <summary>
/// A trial that trains gradient-boosted trees on a table data set version through <see cref="TrackedTabularTraining"/> (a
/// registry run and a model folder per trial) with the trial's tree parameters, and reports its score on the version's own
/// validation split once (accuracy, or minus the regression loss's metric, RMSE unless told, so higher is better; with a threshold rule, the rule's
/// objective: F1, or recall at the precision asked, or precision at the recall asked; each row counting its weight when the rows are
/// weighted by a column): trees get no epochs to halve.
/// </summary>
public sealed class TableTrialObjective : ITrialObjective
{
    public static IReadOnlyList<string> Names { get; } =
        ["learning_rate", "num_leaves", "min_data_in_leaf", "max_depth", "feature_fraction", "bagging_fraction", "lambda_l2", "iterations"];

    private readonly TabularRecipe _base;
    private readonly SearchSpace _space;
    private readonly ModelRegistry _registry;
    private readonly string _actor;

    public TableTrialObjective(TabularRecipe baseRecipe, SearchSpace space, ModelRegistry registry, string actor)
    {
        foreach (var p in space.Parameters)
        {
            if (!Names.Contains(p.Name))
                throw new ArgumentException($"Search parameter '{p.Name}' is not one a table trial sets; use {string.Join(", ", Names)}.");
            if (!p.IsNumeric && p.Choices!.Any(c => !double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                throw new ArgumentException($"Search parameter '{p.Name}' takes numbers; give a range or numeric choices.");
        }
        (_base, _space, _registry, _actor) = (baseRecipe with { Model = "gbdt" }, space, registry, actor);
        _base.Validate();
    }

    public string Describe() => $"table data={_base.Data} model=gbdt seed={_base.Seed}";

    /// <summary>The tree options of one trial: LightGBM's defaults with the trial's values put in.</summary>
    public static GradientBoostingOptions Options(SearchSpace space, IReadOnlyDictionary<string, double> values)
    {
        var o = GradientBoostingOptions.Default;
        foreach (var p in space.Parameters)
        {
            double v = ImageTrialParameters.Number(p, values[p.Name], p.Format(values[p.Name]));
            o = p.Name switch
            {
                "learning_rate" => o with { LearningRate = v },
                "num_leaves" => o with { NumLeaves = (int)Math.Round(v) },
                "min_data_in_leaf" => o with { MinDataInLeaf = (int)Math.Round(v) },
                "max_depth" => o with { MaxDepth = (int)Math.Round(v) },
                "feature_fraction" => o with { FeatureFraction = v },
                // Bagging draws rows only when it runs every few iterations.
                "bagging_fraction" => o with { BaggingFraction = v, BaggingFrequency = v < 1 ? 1 : 0 },
                "lambda_l2" => o with { L2 = v },
                "iterations" => o with { Iterations = (int)Math.Round(v) },
                _ => o,
            };
        }
        o.Validate();
        return o;
    }

    public async Task<TrialResult> RunAsync(TrialRun trial, CancellationToken ct)
    {
        var recipe = _base with { Trees = Options(_space, trial.Parameters) };
        var tracked = await TrackedTabularTraining.RunAsync(recipe, trial.Directory, _registry, null, _actor, ct);
        var m = tracked.Outcome.TestMetrics;
        // A rule chooses each trial's threshold on the validation rows; the trial is judged by what the rule maximizes there, and
        // one that missed the precision or recall asked ranks below every one that reached it.
        var rule = _base.ThresholdRule is { IsChosen: true } chosen ? chosen : null;
        var choice = tracked.Outcome.Model.ThresholdChoice;
        // Rows weighted by a column are judged as the loss counts them.
        string v = _base.WeightColumn is null ? "validation_" : "validation_weighted_";
        double score = rule is not null && m.TryGetValue(v + rule.Objective, out double objective) ? objective - (choice is { Met: false } ? 1 : 0)
            : m.TryGetValue(v + "accuracy", out double a) ? a
            : m.TryGetValue(v + _base.RegressionLoss.Metric, out double r) ? -r
            : throw new InvalidOperationException(
                $"--data {_base.Data} has no validation split to choose trials on; split it first: lepton data split {_base.Data} --validation 0.2 --test 0.2.");
        trial.Report(1, score);
        string values = string.Join(", ", _space.Describe(trial.Parameters).Select(kv => $"{kv.Key}={kv.Value}"));
        await _registry.Store.AppendRunLogAsync(tracked.RunId, $"tune trial {trial.Number} ({trial.Name}): {values}\n", CancellationToken.None);
        var metrics = m.Where(kv => kv.Key.StartsWith("test_", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);
        return new TrialResult(tracked.RunId, trial.Directory) { Metrics = metrics };
    }
}
