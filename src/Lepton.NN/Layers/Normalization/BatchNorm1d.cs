using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// Batch normalization over N (and L) for each feature of (N,C) or (N,C,L), as torch.nn.BatchNorm1d: parameters
/// weight and bias (C), buffers running_mean, running_var (C) and num_batches_tracked (Int32 scalar).
/// </summary>
public sealed class BatchNorm1d : Module, ILayerConfig
{
    private readonly Parameter? _weight;
    private readonly Parameter? _bias;

    public BatchNorm1d(int numFeatures, BatchNormOptions? options = null)
    {
        if (numFeatures <= 0) throw new ArgumentException($"BatchNorm1d needs num_features > 0, got {numFeatures}.");
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

    // x: (N,C) or (N,C,L) → same shape
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank is not (2 or 3) || x.Shape[1] != NumFeatures)
            throw new ArgumentException($"BatchNorm1d(num_features={NumFeatures}) expected input (N,{NumFeatures}) or (N,{NumFeatures},L), got {x.Shape}."
                + (x.Rank is 2 or 3 ? $" Did you mean num_features={x.Shape[1]}?" : x.Rank == 4 ? " Use BatchNorm2d for (N,C,H,W)." : ""));
        int[] axes = x.Rank == 2 ? [0] : [0, 2];
        int[] paramShape = x.Rank == 2 ? [1, NumFeatures] : [1, NumFeatures, 1];
        return BatchNormCore.Normalize(x, axes, paramShape, _weight, _bias, RunningMean, RunningVar,
            IsTraining, Options, UpdateRunning);
    }

    private void UpdateRunning(Tensor mean, Tensor unbiasedVar)
    {
        SetBuffer("running_mean", BatchNormCore.Blend(Buffer("running_mean"), mean, Options.Momentum));
        SetBuffer("running_var", BatchNormCore.Blend(Buffer("running_var"), unbiasedVar, Options.Momentum));
        SetBuffer("num_batches_tracked", Tensor.Scalar(NumBatchesTracked + 1, DType.Int32));
    }

    public JsonObject GetConfig() => BatchNormCore.Config(NumFeatures, Options);

    public override string ToString() => $"BatchNorm1d({NumFeatures}, eps={Options.Eps}, momentum={Options.Momentum})";
}
