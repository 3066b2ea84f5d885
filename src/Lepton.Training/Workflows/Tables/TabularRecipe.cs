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

    /// <summary>Checks the learner name and names the choices when it is wrong.</summary>
    public void Validate()
    {
        if (!Models.Contains(Model, StringComparer.Ordinal))
            throw new ArgumentException($"--model {Model} is not a learner for tables; use one of {string.Join(", ", Models)}.");
        if (Budget is { } b && b <= TimeSpan.Zero) throw new ArgumentException($"The time budget must be positive, got {b}.");
    }
}
