using Lepton.Engine.Kernels;

namespace Lepton.Engine.Backends;

internal sealed partial class CpuBackend
{
    public void BatchNormForward(Tensor x, BatchNormGeometry g, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar,
        bool batchStats, double momentum, double eps, Tensor y, Tensor mean, Tensor invstd)
    {
        RequireAtZero(y, "BatchNormForward");
        RequireAtZero(mean, "BatchNormForward");
        RequireAtZero(invstd, "BatchNormForward");
        var p = new BatchNormParams<float>(weight?.Data<float>(), weight?.Offset ?? 0, bias?.Data<float>(), bias?.Offset ?? 0,
            runningMean?.Data<float>(), runningMean?.Offset ?? 0, runningVar?.Data<float>(), runningVar?.Offset ?? 0);
        BatchNormKernels.Forward(x.Data<float>(), x.Offset, g, p, batchStats, momentum, eps, y.Data<float>(), mean.Data<double>(), invstd.Data<double>());
    }

    public void BatchNormBackward(Tensor x, Tensor gy, BatchNormGeometry g, Tensor? weight, Tensor mean, Tensor invstd, bool batchStats,
        Tensor? gx, Tensor? gw, Tensor? gb)
    {
        RequireAtZero(gx, "BatchNormBackward");
        RequireAtZero(gw, "BatchNormBackward");
        RequireAtZero(gb, "BatchNormBackward");
        BatchNormKernels.Backward(x.Data<float>(), x.Offset, gy.Data<float>(), gy.Offset, g, weight?.Data<float>(), weight?.Offset ?? 0,
            mean.Data<double>(), invstd.Data<double>(), batchStats, gx?.Data<float>(), gw?.Data<float>(), gb?.Data<float>());
    }
}
