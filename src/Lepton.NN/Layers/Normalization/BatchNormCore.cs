using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.Engine.Autograd;

namespace Lepton.NN.Layers;

/// <summary>
/// The batch-normalization math shared by BatchNorm1d and BatchNorm2d. Training normalizes with the
/// batch mean and biased variance and moves the running statistics by momentum, using the unbiased
/// variance (as PyTorch); eval normalizes with the running statistics.
/// </summary>
internal static class BatchNormCore
{
    public static Tensor Normalize(Tensor x, int[] reduceAxes, int[] paramShape, Parameter? weight, Parameter? bias,
        Tensor? runningMean, Tensor? runningVar, bool training, BatchNormOptions o, Action<Tensor, Tensor> updateRunning)
    {
        Tensor mean, variance;
        if (training || runningMean is null || runningVar is null)
        {
            int count = 1;
            foreach (var a in reduceAxes) count *= x.Shape[a];
            if (training && count <= 1)
                throw new ArgumentException($"BatchNorm in training mode needs more than one value per channel, got input {x.Shape}. Use a batch larger than 1 or call Eval().");
            mean = x.Mean(reduceAxes, keepDim: true);
            variance = x.Var(reduceAxes, keepDim: true, unbiased: false);
            if (training && runningMean is not null)
            {
                using var _ = new NoGrad();
                var m = mean.Detach().Reshape(paramShape[1]);
                var unbiased = variance.Detach().Reshape(paramShape[1]).Mul((double)count / (count - 1));
                updateRunning(m, unbiased);
            }
        }
        else
        {
            mean = runningMean.Reshape(paramShape);
            variance = runningVar.Reshape(paramShape);
        }
        var y = x.Sub(mean).Div(variance.Add(o.Eps).Sqrt());
        if (weight is not null) y = y.Mul(weight.Value.Reshape(paramShape));
        if (bias is not null) y = y.Add(bias.Value.Reshape(paramShape));
        return y;
    }

    public static Tensor Blend(Tensor running, Tensor batch, double momentum) =>
        running.Mul(1 - momentum).Add(batch.To(running.DType).Mul(momentum));

    public static JsonObject Config(int numFeatures, BatchNormOptions o) => new()
    {
        ["num_features"] = numFeatures,
        ["eps"] = o.Eps,
        ["momentum"] = o.Momentum,
        ["affine"] = o.Affine,
        ["track_running_stats"] = o.TrackRunningStats,
    };
}
