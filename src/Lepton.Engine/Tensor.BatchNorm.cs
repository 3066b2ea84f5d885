using System.Numerics;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Batch normalization over channel axis 1 of x (N,C,*), as torch.nn.functional.batch_norm: in training (or without
    /// running statistics) with the batch mean and biased variance, moving <paramref name="runningMean"/> and
    /// <paramref name="runningVar"/> (C) in place by <paramref name="momentum"/> with the unbiased variance; in eval with
    /// the running statistics. Then y = x̂·weight + bias per channel (weight and bias (C) optional). One fused op, with a
    /// closed-form backward to x, weight and bias.
    /// </summary>
    public Tensor BatchNorm(Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar, bool training,
        double momentum = 0.1, double eps = 1e-5)
    {
        CheckBatchNormArguments(weight, bias, runningMean, runningVar);
        bool batchStats = training || runningMean is null;
        BatchNormKernels.CheckTrainingBatch(training, Shape);
        if (batchStats && runningMean is not null)
        {
            // Updated in place: the buffers outlive the step (and any TensorScope its temporaries come from).
            runningMean.Storage.ThrowIfReadOnly("BatchNorm's running_mean update");
            runningVar!.Storage.ThrowIfReadOnly("BatchNorm's running_var update");
        }
        var g = BatchNormGeometry.Of(Shape);
        var x = DenseData();
        var w = weight?.DenseData();
        var b = bias?.DenseData();
        // Read in eval; in training the update writes through these, so they are the tensors themselves (checked dense).
        var rm = runningMean?.DenseData();
        var rv = runningVar?.DenseData();
        var mean = new double[g.C];
        var invstd = new double[g.C];
        var y = DType == DType.Float32
            ? BatchNormForward<float>(x, w, b, rm, rv, g, batchStats, momentum, eps, mean, invstd)
            : BatchNormForward<double>(x, w, b, rm, rv, g, batchStats, momentum, eps, mean, invstd);

        Tensor[] inputs = (weight, bias) switch
        {
            (null, null) => [this],
            (not null, null) => [this, weight!],
            (null, not null) => [this, bias!],
            _ => [this, weight!, bias!],
        };
        bool needX = RequiresGrad, needW = weight?.RequiresGrad ?? false, needB = bias?.RequiresGrad ?? false;
        return Tape.Record(y, "batch_norm", inputs, gy =>
        {
            var gyd = gy.DenseData();
            var (gx, gw, gb) = DType == DType.Float32
                ? BatchNormBackward<float>(x, gyd, w, g, mean, invstd, batchStats, needX, needW, needB)
                : BatchNormBackward<double>(x, gyd, w, g, mean, invstd, batchStats, needX, needW, needB);
            var grads = new List<Tensor?>(3) { gx };
            if (weight is not null) grads.Add(gw);
            if (bias is not null) grads.Add(gb);
            return [.. grads];
        });
    }

    private static Tensor BatchNormForward<T>(Tensor x, Tensor? w, Tensor? b, Tensor? rm, Tensor? rv, BatchNormGeometry g,
        bool batchStats, double momentum, double eps, double[] mean, double[] invstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = NewBuffer<T>(g.Size, zeroed: false, out var yStorage);
        var p = new BatchNormParams<T>(w?.Data<T>(), w?.Offset ?? 0, b?.Data<T>(), b?.Offset ?? 0,
            rm?.Data<T>(), rm?.Offset ?? 0, rv?.Data<T>(), rv?.Offset ?? 0);
        BatchNormKernels.Forward(x.Data<T>(), x.Offset, g, p, batchStats, momentum, eps, y, mean, invstd);
        return new Tensor(yStorage, x.Shape);
    }

    private static (Tensor? Gx, Tensor? Gw, Tensor? Gb) BatchNormBackward<T>(Tensor x, Tensor gy, Tensor? w, BatchNormGeometry g,
        double[] mean, double[] invstd, bool batchStats, bool needX, bool needW, bool needB) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Storage? gxs = null, gws = null, gbs = null;
        var gx = needX ? NewBuffer<T>(g.Size, zeroed: false, out gxs) : null;
        var gw = needW ? NewBuffer<T>(g.C, zeroed: false, out gws) : null;
        var gb = needB ? NewBuffer<T>(g.C, zeroed: false, out gbs) : null;
        BatchNormKernels.Backward(x.Data<T>(), x.Offset, gy.Data<T>(), gy.Offset, g, w?.Data<T>(), w?.Offset ?? 0,
            mean, invstd, batchStats, gx, gw, gb);
        var channels = new Shape(g.C);
        return (gxs is null ? null : new Tensor(gxs, x.Shape),
            gws is null ? null : new Tensor(gws, channels),
            gbs is null ? null : new Tensor(gbs, channels));
    }

    // Says which argument is wrong and how, as the layers' own checks do.
    private void CheckBatchNormArguments(Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar)
    {
        RequireFloat("BatchNorm");
        if (Rank < 2)
            throw new ArgumentException($"BatchNorm expected input (N,C,*) with the channels on axis 1, got {Shape}.");
        int c = Shape[1];
        if ((runningMean is null) != (runningVar is null))
            throw new ArgumentException("BatchNorm: pass both running_mean and running_var, or neither.");
        foreach (var (name, t) in new[] { ("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVar) })
        {
            if (t is null) continue;
            if (t.Rank != 1 || t.Shape[0] != c)
                throw new ArgumentException($"BatchNorm: {name} must have shape ({c}) for input {Shape}, got {t.Shape}.");
            if (t.DType != DType)
                throw new ArgumentException($"BatchNorm: input is {DType} but {name} is {t.DType}; convert them to one dtype with To().");
        }
        if (runningMean is not null && (!runningMean.IsContiguous || !runningVar!.IsContiguous))
            throw new ArgumentException("BatchNorm: the running statistics are updated in place and must be contiguous tensors.");
    }
}
