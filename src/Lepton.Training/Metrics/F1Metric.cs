using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Training.Metrics;

/// <summary>How <see cref="F1Metric"/> combines classes or labels (scikit-learn's <c>average</c>).</summary>
public enum F1Average
{
    /// <summary>F1 of the positive class (binary tasks only).</summary>
    Binary,

    /// <summary>Unweighted mean of per-class (per-label) F1.</summary>
    Macro,

    /// <summary>F1 of the true/false positives and negatives pooled over classes (labels).</summary>
    Micro,
}

/// <summary>
/// F1 at the task's decision rule (argmax, or the threshold for binary and multi-label). Names: <c>f1</c>
/// (binary: positive class; multiclass: macro), <c>f1_macro</c>, <c>f1_micro</c>.
/// </summary>
public sealed class F1Metric : IMetric
{
    private readonly DecisionCounts _counts;

    public F1Metric(TaskSpec task, F1Average average = F1Average.Macro)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (average == F1Average.Binary && task.Kind != TaskKind.Binary)
            throw new ArgumentException($"F1Metric: average Binary needs a binary task, got {TaskSpec.NameOf(task.Kind)}; use Macro or Micro.");
        Average = average;
        _counts = new DecisionCounts(task, "f1");
        Name = average == F1Average.Binary || (average == F1Average.Macro && task.Kind == TaskKind.Multiclass) ? "f1"
            : average == F1Average.Macro ? "f1_macro" : "f1_micro";
    }

    public F1Average Average { get; }

    public string Name { get; }

    public bool HigherIsBetter => true;

    public void Reset() => _counts.Reset();

    public void Update(Tensor outputs, Tensor targets) => _counts.Update(outputs, targets);

    public double Compute() => _counts.Rows == 0 ? double.NaN : Average switch
    {
        F1Average.Binary => _counts.F1(1),
        F1Average.Micro => _counts.MicroF1(),
        _ => _counts.MacroF1(),
    };
}
