using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;
using Lepton.NN.Layers;

namespace Lepton.NN.Planned;

/// <summary>
/// <see cref="BatchNorm"/> (1d or 2d) over fixed buffers through the kernels Tensor.BatchNorm calls
/// (BatchNormKernels): the running statistics and num_batches_tracked move in place exactly as a recorded training
/// forward moves them; the per-channel mean and inverse std the backward needs live in the layer.
/// </summary>
internal sealed class PlannedBatchNorm : PlannedLayer
{
    private readonly BatchNorm _layer;
    private readonly PlannedParameter? _weight;
    private readonly PlannedParameter? _bias;
    private readonly BatchNormGeometry _g;
    private readonly Shape _input;
    private readonly double[] _mean, _invstd;
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
        _mean = new double[_g.C];
        _invstd = new double[_g.C];
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
        var w = _weight?.Value;
        var b = _bias?.Value;
        var p = new BatchNormParams<float>(w?.Data<float>(), w?.Offset ?? 0, b?.Data<float>(), b?.Offset ?? 0,
            rm?.Data<float>(), rm?.Offset ?? 0, rv?.Data<float>(), rv?.Offset ?? 0);
        if (_batchStats && rm is not null)
        {
            rm.Storage.ThrowIfReadOnly("BatchNorm's running_mean update");
            rv!.Storage.ThrowIfReadOnly("BatchNorm's running_var update");
        }
        BatchNormKernels.Forward(X.Data<float>(), 0, _g, p, _batchStats, _layer.Options.Momentum, _layer.Options.Eps,
            Y.Data<float>(), _mean, _invstd);
        if (training) _layer.CountBatch();
    }

    public override void Backward()
    {
        var w = _weight?.Value;
        BatchNormKernels.Backward(X.Data<float>(), 0, GY.Data<float>(), 0, _g, w?.Data<float>(), w?.Offset ?? 0,
            _mean, _invstd, _batchStats, GX?.Data<float>(), _weight?.Grad?.Data<float>(), _bias?.Grad?.Data<float>());
    }
}
