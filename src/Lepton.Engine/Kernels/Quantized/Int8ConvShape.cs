namespace Lepton.Engine.Kernels.Quantized;

/// <summary>
/// One int8 convolution's sizes: input (N,C,H,W), a square kernel of <paramref name="Kernel"/> taps, square stride, padding
/// and dilation, groups = 1; output (N,O,OH,OW) with O from the weights.
/// </summary>
public readonly record struct Int8ConvShape(int N, int C, int H, int W, int Kernel, int Stride = 1, int Padding = 0, int Dilation = 1)
{
    public int OH => (H + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1;

    public int OW => (W + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1;

    internal void Check(Int8Weights w, long xLength, long yLength)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (N < 0 || C <= 0 || H <= 0 || W <= 0 || Kernel <= 0 || Stride <= 0 || Padding < 0 || Dilation <= 0)
            throw new ArgumentException($"Int8Conv2d: invalid shape {this}.");
        if (OH <= 0 || OW <= 0)
            throw new ArgumentException($"Int8Conv2d: a {Kernel}x{Kernel} kernel (dilation {Dilation}, padding {Padding}) does not fit a {H}x{W} input.");
        if (w.K != C * Kernel * Kernel)
            throw new ArgumentException($"Int8Conv2d: the weights take {w.K} inputs per channel, but C*k*k = {C * Kernel * Kernel}; pack them with Int8Weights.FromConv.");
        if (xLength < (long)N * C * H * W)
            throw new ArgumentException($"Int8Conv2d: x holds {xLength} values, expected N*C*H*W = {(long)N * C * H * W}.");
        if (yLength < (long)N * w.OutFeatures * OH * OW)
            throw new ArgumentException($"Int8Conv2d: y holds {yLength} values, expected N*O*OH*OW = {(long)N * w.OutFeatures * OH * OW}.");
    }
}
