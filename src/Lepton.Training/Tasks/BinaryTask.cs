using Lepton.Engine;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.Training.Metrics;

namespace Lepton.Training.Tasks;

/// <summary>
/// Yes or no: one logit (N, 1), targets 0/1 as float (N, 1) or (N) or Int32 (N), BCE-with-logits; reports accuracy,
/// F1 of the positive class, ROC-AUC and log-loss at the spec's threshold.
/// </summary>
public sealed class BinaryTask : TrainingTask
{
    private readonly BCEWithLogitsOptions? _options;

    public BinaryTask(TaskSpec? spec = null, BCEWithLogitsOptions? options = null) : base(spec ?? new TaskSpec(TaskKind.Binary))
    {
        if (Spec.Kind != TaskKind.Binary) throw new ArgumentException($"BinaryTask needs a binary TaskSpec, got {Name}; use TrainingTask.Create(spec).");
        if (!(Spec.Threshold is >= 0 and <= 1)) throw Error($"threshold must be in [0, 1], got {Spec.Threshold}.");
        _options = options;
    }

    protected override ILoss CreateLoss() => new BCEWithLogitsLoss(_options);

    public override void CheckTargets(Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        bool shape = targets.Rank == 1 || targets.Rank == 2 && targets.Shape[1] == 1;
        if (!shape || !(IsFloat(targets) || targets.DType == DType.Int32))
            throw Error($"expected 0/1 targets (N, 1) or (N), got {targets.DType} {targets.Shape}. "
                + (targets.Rank == 2 ? "For several labels per example use the multilabel task." : "Give one 0/1 value per example."));
        CheckUnitInterval(targets, "targets");
    }

    public override Tensor PrepareTargets(Tensor outputs, Tensor targets)
    {
        CheckTargets(targets);
        int n = targets.Shape[0];
        if (outputs.Rank != 2 || outputs.Shape[1] != 1 || outputs.Shape[0] != n)
            throw Error($"expected one logit per example ({n}, 1), got outputs {outputs.Shape}; end the model with Linear(..., 1), or use the multiclass task for one logit per class.");
        var y = targets.DType == DType.Int32 ? targets.To(DType.Float32) : targets;
        return targets.Rank == 1 ? y.Reshape(n, 1) : y;
    }

    public override IReadOnlyList<IMetric> DefaultMetrics() =>
        [new AccuracyMetric(Spec), new F1Metric(Spec, F1Average.Binary), new RocAucMetric(Spec), new LogLossMetric(Spec)];

    public override ITaskReport Report(ReadOnlySpan<float> outputs, int width, ReadOnlySpan<float> targets, IReadOnlyList<string> classNames, double? loss)
    {
        if (width != 1) throw Error($"expected one logit per example, got {width} outputs per example.");
        return BinaryReport.FromLogits(outputs, targets, Spec.Threshold, classNames, loss);
    }
}
