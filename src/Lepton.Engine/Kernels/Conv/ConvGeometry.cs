namespace Lepton.Engine.Kernels;

/// <summary>
/// Sizes of one 2-D convolution: input (N,C,H,W), weight (O,C/groups,KH,KW), strides, paddings and
/// dilations; output (N,O,OH,OW).
/// </summary>
internal readonly record struct ConvGeometry(
    int N, int C, int H, int W, int O, int KH, int KW,
    int SH = 1, int SW = 1, int PH = 0, int PW = 0, int DH = 1, int DW = 1, int Groups = 1)
{
    // Stored, not computed per access: kernels read these in their inner loops.
    public int OH { get; } = (H + 2 * PH - DH * (KH - 1) - 1) / SH + 1;

    public int OW { get; } = (W + 2 * PW - DW * (KW - 1) - 1) / SW + 1;

    /// <summary>Input channels per group.</summary>
    public int Cg { get; } = C / Groups;

    /// <summary>Output channels per group.</summary>
    public int Og { get; } = O / Groups;

    /// <summary>Rows of one group's im2col matrix (and columns of its weight matrix): Cg*KH*KW.</summary>
    public int GroupK { get; } = C / Groups * KH * KW;

    // Output columns ow whose input column ow*SW + kj*DW - PW falls inside [0, W): [lo, hi).
    public (int lo, int hi) ValidColumns(int kj)
    {
        int off = kj * DW - PW;
        int lo = off >= 0 ? 0 : (-off + SW - 1) / SW;
        int hi = W - 1 - off < 0 ? 0 : (W - 1 - off) / SW + 1;
        lo = Math.Min(lo, OW);
        hi = Math.Clamp(hi, lo, OW);
        return (lo, hi);
    }
}
