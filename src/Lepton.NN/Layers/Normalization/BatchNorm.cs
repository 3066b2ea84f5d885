using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// What BatchNorm1d and BatchNorm2d share: parameters weight and bias (C), buffers running_mean,
/// running_var (C) and num_batches_tracked (Int32 scalar), named as in PyTorch. Subclasses say which
/// input ranks they take and which axes the statistics run over.
/// </summary>
public abstract class BatchNorm : Module, ILayerConfig
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

    /// <summary>Checks the input and returns the axes to reduce over and the broadcast shape of the per-channel values.</summary>
    protected abstract (int[] ReduceAxes, int[] ParamShape) Layout(Tensor x);

    public override Tensor Forward(Tensor x)
    {
        var (axes, paramShape) = Layout(x);
        return BatchNormCore.Normalize(x, axes, paramShape, _weight, _bias, RunningMean, RunningVar, IsTraining, Options, UpdateRunning);
    }

    // In place, as PyTorch: the buffers outlive the training step (and the TensorScope its temporaries come from).
    private void UpdateRunning(Tensor mean, Tensor unbiasedVar)
    {
        var runningMean = Buffer("running_mean");
        var runningVar = Buffer("running_var");
        runningMean.CopyFrom(BatchNormCore.Blend(runningMean, mean, Options.Momentum));
        runningVar.CopyFrom(BatchNormCore.Blend(runningVar, unbiasedVar, Options.Momentum));
        Buffer("num_batches_tracked").CopyFrom(Tensor.Scalar(NumBatchesTracked + 1, DType.Int32));
    }

    public JsonObject GetConfig() => BatchNormCore.Config(NumFeatures, Options);

    public override string ToString() => $"{GetType().Name}({NumFeatures}, eps={Options.Eps}, momentum={Options.Momentum})";
}
