using Lepton.Engine.Kernels;

namespace Lepton.Engine.Backends;

internal sealed partial class CpuBackend
{
    public void Conv2dForward(Tensor x, Tensor w, Tensor? b, ConvGeometry g, Tensor y)
    {
        RequireAtZero(y, "Conv2dForward");
        Conv2dKernels.Forward(x.Data<float>(), x.Offset, w.Data<float>(), w.Offset, b?.Data<float>(), b?.Offset ?? 0, g, y.Data<float>(), null);
    }

    public void Conv2dBackward(Tensor x, Tensor w, Tensor gy, ConvGeometry g, Tensor? gx, Tensor? gw, Tensor? gb)
    {
        RequireAtZero(gy, "Conv2dBackward");
        RequireAtZero(gx, "Conv2dBackward");
        RequireAtZero(gw, "Conv2dBackward");
        RequireAtZero(gb, "Conv2dBackward");
        var gxa = gx?.Data<float>();
        var gwa = gw?.Data<float>();
        var gba = gb?.Data<float>();
        // The im2col path accumulates into its outputs (the recorded op hands it zeroed buffers); the stride-1 path
        // overwrites them (and sums the bias gradient only in its weight-gradient pass).
        if (!ConvStride1.Applies(g) || (gwa is null && gba is not null))
        {
            gxa?.AsSpan().Clear();
            gwa?.AsSpan().Clear();
            gba?.AsSpan().Clear();
        }
        Conv2dKernels.Backward(x.Data<float>(), x.Offset, w.Data<float>(), w.Offset, gy.Data<float>(), g, gxa, gwa, gba);
    }
}
