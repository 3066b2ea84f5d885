using Lepton.Engine;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.Training.Metrics;

namespace Lepton.Training.Tasks;

/// <summary>Which loss a <see cref="RegressionTask"/> minimizes.</summary>
public enum RegressionLoss
{
    /// <summary>Mean squared error (the default).</summary>
    Mse,

    /// <summary>Mean absolute error, robust to outliers.</summary>
    L1,

    /// <summary>Huber: squared below delta, absolute above.</summary>
    Huber,
}

/// <summary>
/// One or more real values: outputs (N, targets), float targets (N, targets) or (N) for one target, MSE (or L1, Huber);
/// reports MAE, RMSE and R² (mean over targets).
/// </summary>
public sealed class RegressionTask : TrainingTask
{
    public RegressionTask(TaskSpec? spec = null, RegressionLoss loss = RegressionLoss.Mse, double huberDelta = 1.0)
        : base(spec ?? new TaskSpec(TaskKind.Regression))
    {
        if (Spec.Kind != TaskKind.Regression) throw new ArgumentException($"RegressionTask needs a regression TaskSpec, got {Name}; use TrainingTask.Create(spec).");
        if (!(huberDelta > 0)) throw Error($"Huber delta must be > 0, got {huberDelta}.");
        LossKind = loss;
        HuberDelta = huberDelta;
    }

    public RegressionLoss LossKind { get; }

    public double HuberDelta { get; }

    protected override ILoss CreateLoss() => LossKind switch
    {
        RegressionLoss.L1 => new L1Loss(),
        RegressionLoss.Huber => new HuberLoss(HuberDelta),
        _ => new MSELoss(),
    };

    public override void CheckTargets(Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Rank is not (1 or 2) || !IsFloat(targets))
            throw Error($"expected float32 target values (N, targets) or (N), got {targets.DType} {targets.Shape}. "
                + (targets.DType == DType.Int32 ? "Convert them with targets.To(DType.Float32), or use the multiclass task for class ids." : "Give one row of values per example."));
        if (Spec.TargetNames is { Count: > 0 } names && (targets.Rank == 2 ? targets.Shape[1] : 1) != names.Count)
            throw Error($"the spec names {names.Count} targets ({string.Join(", ", names)}) but targets are {targets.Shape}.");
    }

    public override Tensor PrepareTargets(Tensor outputs, Tensor targets)
    {
        CheckTargets(targets);
        int n = targets.Shape[0];
        int k = targets.Rank == 2 ? targets.Shape[1] : 1;
        if (outputs.Rank != 2 || outputs.Shape[0] != n || outputs.Shape[1] != k)
            throw Error($"expected outputs ({n}, {k}) for targets {targets.Shape}, got {outputs.Shape}; end the model with Linear(..., {k}).");
        return targets.Rank == 1 ? targets.Reshape(n, 1) : targets;
    }

    public override IReadOnlyList<IMetric> DefaultMetrics() =>
        [new RegressionMetric(RegressionMeasure.Mae), new RegressionMetric(RegressionMeasure.Rmse), new RegressionMetric(RegressionMeasure.R2)];

    public override ITaskReport Report(ReadOnlySpan<float> outputs, int width, ReadOnlySpan<float> targets, IReadOnlyList<string> classNames, double? loss) =>
        RegressionReport.FromValues(outputs, targets, width, Spec.TargetNames, loss);
}
