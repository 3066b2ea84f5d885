using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// Batch normalization over (N,H,W) for each channel of (N,C,H,W), as torch.nn.BatchNorm2d: parameters
/// weight and bias (C), buffers running_mean, running_var (C) and num_batches_tracked (Int32 scalar).
/// </summary>
public sealed class BatchNorm2d : Module, ILayerConfig
{
    private readonly Parameter? _weight;
    private readonly Parameter? _bias;

    public BatchNorm2d(int numFeatures, BatchNormOptions? options = null)
    {
        if (numFeatures <= 0) throw new ArgumentException($"BatchNorm2d needs num_features > 0, got {numFeatures}.");
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

    // x: (N,C,H,W) → same shape
    public override Tensor Forward(Tensor x)
    {
        LayerDefaults.ExpectNchw(x, "BatchNorm2d", "num_features", NumFeatures);
        return BatchNormCore.Normalize(x, [0, 2, 3], [1, NumFeatures, 1, 1], _weight, _bias, RunningMean, RunningVar,
            IsTraining, Options, UpdateRunning);
    }

    private void UpdateRunning(Tensor mean, Tensor unbiasedVar)
    {
        SetBuffer("running_mean", BatchNormCore.Blend(Buffer("running_mean"), mean, Options.Momentum));
        SetBuffer("running_var", BatchNormCore.Blend(Buffer("running_var"), unbiasedVar, Options.Momentum));
        SetBuffer("num_batches_tracked", Tensor.Scalar(NumBatchesTracked + 1, DType.Int32));
    }

    public JsonObject GetConfig() => BatchNormCore.Config(NumFeatures, Options);

    public override string ToString() => $"BatchNorm2d({NumFeatures}, eps={Options.Eps}, momentum={Options.Momentum})";
}
