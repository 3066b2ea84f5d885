using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Training.Metrics;

/// <summary>
/// Fraction of correct decisions: argmax (multiclass), sigmoid at the threshold (binary), or every label right
/// (multi-label exact match, scikit-learn's subset accuracy). Name <c>accuracy</c>.
/// </summary>
public sealed class AccuracyMetric(TaskSpec task) : IMetric
{
    private readonly DecisionCounts _counts = new(task, "accuracy");

    public string Name => "accuracy";

    public bool HigherIsBetter => true;

    public void Reset() => _counts.Reset();

    public void Update(Tensor outputs, Tensor targets) => _counts.Update(outputs, targets);

    public double Compute() => _counts.Rows == 0 ? double.NaN : (double)_counts.ExactRows / _counts.Rows;
}
