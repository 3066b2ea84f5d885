using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Backends;
using Lepton.Engine.Kernels;
using Lepton.NN.Layers;

namespace Lepton.NN.Planned;

/// <summary>
/// <see cref="BatchNorm"/> (1d or 2d) over fixed buffers through the kernel backend (on the CPU, the kernels
/// Tensor.BatchNorm calls): the running statistics and num_batches_tracked move in place exactly as a recorded training
/// forward moves them; the per-channel mean and inverse std the backward needs live in the layer.
/// </summary>
internal sealed class PlannedBatchNorm : PlannedLayer
{
    private readonly BatchNorm _layer;
    private readonly PlannedParameter? _weight;
    private readonly PlannedParameter? _bias;
    private readonly BatchNormGeometry _g;
    private readonly Shape _input;
    private readonly Tensor _mean, _invstd; // Float64 (C)
    // How the last forward normalized: the backward depends on it.
    private bool _batchStats;

    // x: (N,C) or (N,C,L) or (N,C,H,W) → y: same shape
    public PlannedBatchNorm(BatchNorm layer, Shape input) : base(layer)
    {
        _layer = layer;
        _weight = PlannedParameter.Of(layer.Weight);
        _bias = PlannedParameter.Of(layer.Bias);
        _input = input;
        _g = BatchNormGeometry.Of(input);
        _mean = Buffer(new Shape(_g.C), DType.Float64);
        _invstd = Buffer(new Shape(_g.C), DType.Float64);
    }

    public override bool HasTrainableParameters => (_weight?.Trainable ?? false) || (_bias?.Trainable ?? false);

    public override bool ParametersUnchanged => (_weight?.Unchanged ?? true) && (_bias?.Unchanged ?? true);

    public override void AddParameterGradients(GradStore store)
    {
        _weight?.AddTo(store);
        _bias?.AddTo(store);
    }

    public override void Forward()
    {
        bool training = _layer.IsTraining;
        BatchNormKernels.CheckTrainingBatch(training, _input);
        var rm = _layer.RunningMean;
        var rv = _layer.RunningVar;
        _batchStats = training || rm is null;
        if (_batchStats && rm is not null)
        {
            rm.Storage.ThrowIfReadOnly("BatchNorm's running_mean update");
            rv!.Storage.ThrowIfReadOnly("BatchNorm's running_var update");
        }
        Backend.Current.BatchNormForward(X, _g, _weight?.Value, _bias?.Value, rm, rv, _batchStats, _layer.Options.Momentum, _layer.Options.Eps,
            Y, _mean, _invstd);
        if (training) _layer.CountBatch();
    }

    public override void Backward()
    {
        Backend.Current.BatchNormBackward(X, GY, _g, _weight?.Value, _mean, _invstd, _batchStats, GX, _weight?.Grad, _bias?.Grad);
    }
}
