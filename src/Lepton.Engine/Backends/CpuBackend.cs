using Lepton.Engine.Kernels;

namespace Lepton.Engine.Backends;

/// <summary>
/// The CPU backend: each method calls the same kernels the recorded Tensor ops call (SIMD GEMM, stride-1 and Winograd
/// convolutions, the 2x2 pool, ...), so a planned step through this seam gives the recorded ops' bits.
/// </summary>
internal sealed partial class CpuBackend : IKernelBackend
{
    public static CpuBackend Instance { get; } = new();

    private CpuBackend() { }

    public string Name => "cpu";

    public void LinearForward(Tensor x, Tensor w, Tensor? b, Tensor y, int rows, int inFeatures, int outFeatures) =>
        Tensor.LinearForward<float>(x, w, b, y, rows, inFeatures, outFeatures);

    public void LinearBackward(Tensor x, Tensor w, Tensor gy, Tensor? gx, Tensor? gw, Tensor? gb, int rows, int inFeatures, int outFeatures) =>
        Tensor.LinearBackward<float>(x, w, gy, gx, gw, gb, rows, inFeatures, outFeatures);

    public float LogSoftmaxNll(Tensor logits, int rows, int classes, ReadOnlySpan<int> targets, Tensor logp)
    {
        RequireAtZero(logp, "LogSoftmaxNll");
        return SoftmaxKernels.LogSoftmaxNll(logits.Data<float>(), logits.Offset, rows, classes, targets, logp.Data<float>());
    }

    public void NllSoftmaxBackward(Tensor logp, int rows, int classes, ReadOnlySpan<int> targets, float scale, Tensor gx)
    {
        RequireAtZero(logp, "NllSoftmaxBackward");
        RequireAtZero(gx, "NllSoftmaxBackward");
        SoftmaxKernels.NllSoftmaxBackward(logp.Data<float>(), rows, classes, targets, scale, gx.Data<float>());
    }

    // The kernels write their outputs from index 0 of the array: a view into the middle of a storage would be overwritten
    // from its start. Planned buffers always start at 0; anything else is a caller's mistake worth a clear message.
    private static void RequireAtZero(Tensor? t, string op)
    {
        if (t is not null && t.Offset != 0)
            throw new ArgumentException($"{op} (cpu backend) writes buffers from their start, got a view at offset {t.Offset} of shape {t.Shape}; pass a dense buffer (Clone() it).");
    }
}
