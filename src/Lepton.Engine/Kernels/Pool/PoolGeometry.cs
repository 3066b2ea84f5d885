namespace Lepton.Engine.Kernels;

/// <summary>Sizes of one 2-D pooling: Planes = N*C planes of (H,W), a (KH,KW) window, strides and paddings.</summary>
internal readonly record struct PoolGeometry(int Planes, int H, int W, int KH, int KW, int SH, int SW, int PH = 0, int PW = 0)
{
    // Stored, not computed per access: kernels read these in their inner loops.
    public int OH { get; } = (H + 2 * PH - KH) / SH + 1;

    public int OW { get; } = (W + 2 * PW - KW) / SW + 1;
}
