using Lepton.Engine;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.Training.Metrics;

namespace Lepton.Training.Tasks;

/// <summary>
/// Any number of labels at once: logits (N, labels), multi-hot float targets (N, labels), BCE-with-logits per label;
/// reports subset accuracy, micro and macro F1 and macro ROC-AUC at the spec's threshold.
/// </summary>
public sealed class MultiLabelTask : TrainingTask
{
    private readonly BCEWithLogitsOptions? _options;

    public MultiLabelTask(TaskSpec? spec = null, BCEWithLogitsOptions? options = null) : base(spec ?? new TaskSpec(TaskKind.MultiLabel))
    {
        if (Spec.Kind != TaskKind.MultiLabel) throw new ArgumentException($"MultiLabelTask needs a multilabel TaskSpec, got {Name}; use TrainingTask.Create(spec).");
        if (!(Spec.Threshold is >= 0 and <= 1)) throw Error($"threshold must be in [0, 1], got {Spec.Threshold}.");
        _options = options;
    }

    protected override ILoss CreateLoss() => new BCEWithLogitsLoss(_options);

    public override void CheckTargets(Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Rank != 2 || !IsFloat(targets))
            throw Error($"expected multi-hot float32 targets (N, labels) with a 0 or 1 per label, got {targets.DType} {targets.Shape}. "
                + (targets.DType == DType.Int32 && targets.Rank == 1 ? "For one class id per example use the multiclass task." : "Build one row of 0/1 per example."));
        CheckUnitInterval(targets, "each label");
    }

    public override Tensor PrepareTargets(Tensor outputs, Tensor targets)
    {
        CheckTargets(targets);
        if (outputs.Shape != targets.Shape)
            throw Error($"expected logits {targets.Shape} (one per label), got outputs {outputs.Shape}; end the model with Linear(..., {targets.Shape[1]}).");
        return targets;
    }

    public override IReadOnlyList<IMetric> DefaultMetrics() =>
        [new AccuracyMetric(Spec), new F1Metric(Spec, F1Average.Micro), new F1Metric(Spec, F1Average.Macro), new RocAucMetric(Spec)];

    public override ITaskReport Report(ReadOnlySpan<float> outputs, int width, ReadOnlySpan<float> targets, IReadOnlyList<string> classNames, double? loss) =>
        MultiLabelReport.FromLogits(outputs, targets, width, Spec.Threshold, classNames, loss);
}
