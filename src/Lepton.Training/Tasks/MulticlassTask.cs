using Lepton.Engine;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.Training.Metrics;

namespace Lepton.Training.Tasks;

/// <summary>One class of several: logits (N, classes), Int32 class ids (N), cross-entropy; reports accuracy.</summary>
public sealed class MulticlassTask : TrainingTask
{
    public MulticlassTask(TaskSpec? spec = null, CrossEntropyOptions? options = null) : base(spec ?? TaskSpec.Multiclass)
    {
        if (Spec.Kind != TaskKind.Multiclass) throw new ArgumentException($"MulticlassTask needs a multiclass TaskSpec, got {Name}; use TrainingTask.Create(spec).");
        CrossEntropy = new CrossEntropyLoss(options);
    }

    /// <summary>The cross-entropy itself (planned training steps recognize it when it has the default options).</summary>
    public CrossEntropyLoss CrossEntropy { get; }

    protected override ILoss CreateLoss() => CrossEntropy;

    public override void CheckTargets(Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.DType != DType.Int32 || targets.Rank != 1)
            throw Error($"expected Int32 class ids (N), got {targets.DType} {targets.Shape}. "
                + (targets.Rank == 2 && IsFloat(targets) ? "For multi-hot targets (N, labels) use the multilabel task; for real values the regression task." : "Give one class index per example."));
    }

    public override Tensor PrepareTargets(Tensor outputs, Tensor targets)
    {
        CheckTargets(targets);
        if (outputs.Rank != 2 || outputs.Shape[0] != targets.Shape[0])
            throw Error($"expected logits (N, classes) for {targets.Shape[0]} targets, got outputs {outputs.Shape}; end the model with Linear(..., classes).");
        return targets;
    }

    public override IReadOnlyList<IMetric> DefaultMetrics() => [new AccuracyMetric(Spec)];

    public override ITaskReport Report(ReadOnlySpan<float> outputs, int width, ReadOnlySpan<float> targets, IReadOnlyList<string> classNames, double? loss)
    {
        var scores = new double[outputs.Length];
        for (int i = 0; i < scores.Length; i++) scores[i] = outputs[i];
        var ids = new int[targets.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = (int)targets[i];
        return ClassificationReport.FromScores(scores, width, ids, classNames, loss);
    }
}
