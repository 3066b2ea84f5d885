using Lepton.Compression.Tuning.Distributed;
using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Space;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Tuning;

/// <summary>
/// A hyperparameter search: the data (an image or table data set version, fashion-mnist, or a tensor folder), the fixed
/// training options every trial starts from (<see cref="Base"/>: model preset, batch size, validation split, seed, ...), the
/// space, the study's settings, the name to register the best model as, and the CPU threads to divide among parallel trials
/// (0: all the engine has); <see cref="Shared"/> makes this process one worker of a study shared through PostgreSQL.
/// </summary>
public sealed record TuneRequest(ImageClassifierRecipe Base, SearchSpace Space, StudyOptions Study, string? RegisterAs = null, int Threads = 0,
    SharedStudy? Shared = null)
{
    /// <summary>A table's class weights for every trial (<c>balanced</c>, <c>yes=10</c>); see <see cref="Training.Workflows.Tables.TabularRecipe.ClassWeight"/>.</summary>
    public string? ClassWeight { get; init; }

    /// <summary>
    /// A yes/no table's threshold rule for every trial (<c>f1</c>, <c>precision=0.9</c>, ...): each trial decides at the threshold the
    /// rule chooses on the validation split, and trials are compared by the rule's objective there instead of accuracy.
    /// </summary>
    public string? Threshold { get; init; }

    /// <summary>A number table's loss for every trial (<c>poisson</c>, <c>quantile=0.9</c>): trials are compared by its metric on the validation split.</summary>
    public string? Loss { get; init; }

    /// <summary>A table's monotone columns for every trial (<c>income=increasing</c>); see <see cref="Training.Workflows.Tables.TabularRecipe.Monotone"/>.</summary>
    public string? Monotone { get; init; }

    /// <summary>Every trial's trees split on one column each; see <see cref="Training.Workflows.Tables.TabularRecipe.Additive"/>.</summary>
    public bool Additive { get; init; }

    /// <summary>Columns no trial learns from (<c>home,age</c>); see <see cref="Training.Workflows.Tables.TabularRecipe.Exclude"/>.</summary>
    public string? Exclude { get; init; }

    /// <summary>The column every trial's training rows are reweighed by (<c>home</c>); see <see cref="Training.Workflows.Tables.TabularRecipe.Reweigh"/>.</summary>
    public string? Reweigh { get; init; }

    /// <summary>How every trial's probabilities are calibrated (<c>isotonic</c>); see <see cref="Training.Workflows.Tables.TabularRecipe.Calibrate"/>.</summary>
    public string? Calibrate { get; init; }

    /// <summary>The level of every trial's conformal intervals or sets (0.9); see <see cref="Training.Workflows.Tables.TabularRecipe.Intervals"/>.</summary>
    public double? Intervals { get; init; }

    /// <summary>How a regressor's intervals are made (<c>residuals</c>, <c>quantiles</c>); see <see cref="Training.Workflows.Tables.TabularRecipe.IntervalsMethod"/>.</summary>
    public string? IntervalsMethod { get; init; }

    /// <summary>The column every trial's rows are weighted by; see <see cref="Training.Workflows.Tables.TabularRecipe.WeightColumn"/>.</summary>
    public string? WeightColumn { get; init; }
}
