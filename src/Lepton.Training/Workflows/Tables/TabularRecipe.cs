namespace Lepton.Training.Workflows.Tables;

/// <summary>
/// Everything that decides a tabular training run: the table data set version (<c>NAME@V</c>), the learner (<c>gbdt</c>,
/// <c>random-forest</c>, <c>logistic</c>, <c>linear</c>, or <c>auto</c>: cross-validated candidates within
/// <see cref="Budget"/>), the seed and the threads LightGBM may use (0: all cores). <see cref="Trees"/>, when set, replaces the
/// tree learners' default options (a hyperparameter search sets them).
/// </summary>
public sealed record TabularRecipe(string Data, string Model = "auto", int Seed = 0, TimeSpan? Budget = null, int Threads = 0,
    Classic.LightGbm.GradientBoostingOptions? Trees = null)
{
    /// <summary>The learners <see cref="Model"/> may name.</summary>
    public static IReadOnlyList<string> Models { get; } = ["auto", "gbdt", "random-forest", "logistic", "linear"];

    /// <summary>
    /// The tree options a user's <c>--trees</c> and <c>--lr</c> ask for (null when neither is given): a fixed number of
    /// boosting rounds (or forest trees) trained on every row, as XGBoost's <c>n_estimators</c> does, instead of early
    /// stopping on a held-out share; the learning rate of boosting. Only gbdt and random-forest grow trees.
    /// </summary>
    public static Classic.LightGbm.GradientBoostingOptions? TreeOptions(string model, int? trees, double? learningRate)
    {
        if (trees is null && learningRate is null) return null;
        if (model is not ("gbdt" or "random-forest"))
            throw new ArgumentException($"--trees and --lr set a tree learner's rounds and rate; --model {model} grows no trees (use gbdt or random-forest, or leave them out).");
        if (trees is < 1) throw new ArgumentException($"--trees must be at least 1, got {trees}.");
        if (learningRate is { } lr && !(lr > 0 && lr <= 1)) throw new ArgumentException($"--lr for gbdt must lie in (0, 1], got {lr}.");
        if (model == "random-forest" && learningRate is not null)
            throw new ArgumentException("A random forest averages its trees and has no learning rate; drop --lr or use --model gbdt.");
        var o = model == "gbdt" ? Classic.LightGbm.GradientBoostingOptions.Default : Classic.LightGbm.GradientBoostingOptions.RandomForest;
        if (trees is { } n) o = o with { Iterations = n, EarlyStoppingRounds = 0 };
        if (learningRate is { } rate) o = o with { LearningRate = rate };
        return o;
    }

    /// <summary>Checks the learner name and names the choices when it is wrong.</summary>
    public void Validate()
    {
        if (!Models.Contains(Model, StringComparer.Ordinal))
            throw new ArgumentException($"--model {Model} is not a learner for tables; use one of {string.Join(", ", Models)}.");
        if (Budget is { } b && b <= TimeSpan.Zero) throw new ArgumentException($"The time budget must be positive, got {b}.");
    }
}
