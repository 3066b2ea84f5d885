using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Planned;

namespace Lepton.NN.Layers;

/// <summary>
/// What BatchNorm1d and BatchNorm2d share: parameters weight and bias (C), buffers running_mean,
/// running_var (C) and num_batches_tracked (Int32 scalar), named as in PyTorch, and the forward: the fused
/// Tensor.BatchNorm over channel axis 1 (training: batch statistics, moving the running ones by momentum with the
/// unbiased variance; eval: the running statistics). Subclasses say which input ranks they take.
/// </summary>
public abstract class BatchNorm : Module, ILayerConfig, IPlannableLayer
{
    private readonly Parameter? _weight;
    private readonly Parameter? _bias;

    protected BatchNorm(int numFeatures, BatchNormOptions? options)
    {
        if (numFeatures <= 0) throw new ArgumentException($"{GetType().Name} needs num_features > 0, got {numFeatures}.");
        NumFeatures = numFeatures;
        Options = options ?? new BatchNormOptions();
        if (Options.Affine)
        {
            _weight = RegisterParameter("weight", Tensor.Ones(numFeatures));
            _bias = RegisterParameter("bias", Tensor.Zeros(numFeatures));
        }
        if (Options.TrackRunningStats)
        {
            RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
            RegisterBuffer("running_var", Tensor.Ones(numFeatures));
            RegisterBuffer("num_batches_tracked", Tensor.Scalar(0, DType.Int32));
        }
    }

    public int NumFeatures { get; }

    public BatchNormOptions Options { get; }

    public Tensor? RunningMean => Options.TrackRunningStats ? Buffer("running_mean") : null;

    public Tensor? RunningVar => Options.TrackRunningStats ? Buffer("running_var") : null;

    public int NumBatchesTracked => Options.TrackRunningStats ? Buffer("num_batches_tracked").ToIntArray()[0] : 0;

    /// <summary>The scale γ (C), or null without affine.</summary>
    public Parameter? Weight => _weight;

    /// <summary>The shift β (C), or null without affine.</summary>
    public Parameter? Bias => _bias;

    /// <summary>
    /// A convolution's (or linear layer's) weight (O, ...) and bias (O, or null) with this batch norm's eval-mode transform
    /// folded in: what the layer followed by this batch norm computes, as one layer. Needs the running statistics.
    /// </summary>
    public (Tensor Weight, Tensor Bias) FoldInto(Tensor weight, Tensor? bias)
    {
        if (RunningMean is not { } mean || RunningVar is not { } variance)
            throw new InvalidOperationException($"{TypeName} without running statistics (track_running_stats=false) normalizes by each batch's own; it cannot be folded into the layer before it.");
        if (weight.Shape[0] != NumFeatures)
            throw new ArgumentException($"{TypeName}({NumFeatures}) cannot fold into a weight of {weight.Shape[0]} output channels.");
        return FoldedBatchNorm.Fold(weight, bias, _weight?.Value, _bias?.Value, mean, variance, Options.Eps);
    }

    /// <summary>Throws, saying what was expected, when x is not a shape this layer takes.</summary>
    protected abstract void CheckInput(Tensor x);

    public override Tensor Forward(Tensor x)
    {
        CheckInput(x);
        var y = x.BatchNorm(_weight?.Value, _bias?.Value, RunningMean, RunningVar, IsTraining, Options.Momentum, Options.Eps);
        if (IsTraining) CountBatch();
        return y;
    }

    /// <summary>
    /// After a training forward (which moved the running statistics in place): one more batch in num_batches_tracked.
    /// Written in place, as the statistics are, and without allocating (planned steps call it every step).
    /// </summary>
    internal void CountBatch()
    {
        if (!Options.TrackRunningStats) return;
        var counter = Buffer("num_batches_tracked");
        counter.Storage.ThrowIfReadOnly("BatchNorm's num_batches_tracked update");
        counter.Span<int>()[0]++;
    }

    public JsonObject GetConfig() => new()
    {
        ["num_features"] = NumFeatures,
        ["eps"] = Options.Eps,
        ["momentum"] = Options.Momentum,
        ["affine"] = Options.Affine,
        ["track_running_stats"] = Options.TrackRunningStats,
    };

    public override string ToString() => $"{GetType().Name}({NumFeatures}, eps={Options.Eps}, momentum={Options.Momentum})";

    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        absorbed = 0;
        return new PlannedBatchNorm(this, input);
    }
}
