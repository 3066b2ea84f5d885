namespace Lepton.Engine.Kernels;

/// <summary>
/// Weight panels and tap-offset tables of the stride-1 convolution (<see cref="ConvStride1"/>), and the
/// weight gradient's way back from its transposed per-chunk partials.
/// </summary>
internal static class ConvWeightPacking
{
    private const int PanelRows = 8;

    /// <summary>
    /// Forward panels: for group gi and output rows r0..r0+8 (padded with zero rows to a multiple of 8 per group),
    /// pack[((gi*groupRows + r0)*GK) + j*8 + i] = w[gi*Og + r0 + i, j], j = (c, ki, kj).
    /// </summary>
    public static void PackForward(float[] w, int wOffset, ConvGeometry g, float[] pack)
    {
        int gk = g.GroupK, groupRows = (g.Og + PanelRows - 1) / PanelRows * PanelRows;
        for (int gi = 0; gi < g.Groups; gi++)
        for (int r0 = 0; r0 < groupRows; r0 += PanelRows)
        {
            int panel = (gi * groupRows + r0) * gk;
            for (int i = 0; i < PanelRows; i++)
            {
                int o = r0 + i;
                if (o >= g.Og)
                {
                    for (int j = 0; j < gk; j++) pack[panel + j * PanelRows + i] = 0f;
                    continue;
                }
                int src = wOffset + (gi * g.Og + o) * gk;
                for (int j = 0; j < gk; j++) pack[panel + j * PanelRows + i] = w[src + j];
            }
        }
    }

    /// <summary>
    /// Input-gradient panels: the weight with input and output channels swapped and the taps flipped,
    /// pack[((gi*groupRows + r0)*K') + j'*8 + i] = w[gi*Og + o, r0 + i, KH-1-ki, KW-1-kj] for j' = (o, ki, kj).
    /// </summary>
    public static void PackInputGradient(float[] w, int wOffset, ConvGeometry g, float[] pack)
    {
        int kb = g.Og * g.KH * g.KW, taps = g.KH * g.KW, groupRows = (g.Cg + PanelRows - 1) / PanelRows * PanelRows;
        for (int gi = 0; gi < g.Groups; gi++)
        for (int r0 = 0; r0 < groupRows; r0 += PanelRows)
        {
            int panel = (gi * groupRows + r0) * kb;
            for (int i = 0; i < PanelRows; i++)
            {
                int c = r0 + i;
                for (int o = 0; o < g.Og; o++)
                {
                    int src = wOffset + ((gi * g.Og + o) * g.Cg + c) * taps;
                    for (int t = 0; t < taps; t++)
                        pack[panel + (o * taps + t) * PanelRows + i] = c < g.Cg ? w[src + taps - 1 - t] : 0f;
                }
            }
        }
    }

    /// <summary>biasPad[gi*groupRows + r] = bias[gi*perGroup + r], zero for padding rows or when there is no bias.</summary>
    public static void PadBias(float[]? bias, int biasOffset, int groups, int perGroup, int groupRows, float[] biasPad)
    {
        for (int gi = 0; gi < groups; gi++)
        for (int r = 0; r < groupRows; r++)
            biasPad[gi * groupRows + r] = bias is not null && r < perGroup ? bias[biasOffset + gi * perGroup + r] : 0f;
    }

    /// <summary>off[j] for j = (c, ki, kj) of one group: c*InputPlane + ki*DH*Wp + kj*DW; entries from GK to count are 0.</summary>
    public static void ForwardOffsets(ConvGeometry g, ConvPaddedLayout layout, int[] off, int count)
    {
        int j = 0;
        for (int c = 0; c < g.Cg; c++)
        for (int ki = 0; ki < g.KH; ki++)
        for (int kj = 0; kj < g.KW; kj++)
            off[j++] = c * layout.InputPlane + ki * g.DH * layout.Wp + kj * g.DW;
        for (; j < count; j++) off[j] = 0;
    }

    /// <summary>off[j'] for j' = (o, ki, kj) of one group over the padded output gradient: o*GradPlane + ki*DH*Wp + kj*DW.</summary>
    public static void InputGradientOffsets(ConvGeometry g, ConvPaddedLayout layout, int[] off)
    {
        int j = 0;
        for (int o = 0; o < g.Og; o++)
        for (int ki = 0; ki < g.KH; ki++)
        for (int kj = 0; kj < g.KW; kj++)
            off[j++] = o * layout.GradPlane + ki * g.DH * layout.Wp + kj * g.DW;
    }

    /// <summary>
    /// gw[gi*Og + o, j] = Σ_chunks partials[chunk][(gi*gk8 + j)*og32 + o], summed in chunk order so the result does
    /// not depend on how chunks were spread over threads.
    /// </summary>
    public static void SumAndUntranspose(float[] partials, int chunks, int slice, ConvGeometry g, int gk8, int og32, float[] gw)
    {
        var sum = partials.AsSpan(0, slice);
        for (int c = 1; c < chunks; c++) VectorMath.AddTo<float>(partials.AsSpan(c * slice, slice), sum);
        int gk = g.GroupK;
        for (int gi = 0; gi < g.Groups; gi++)
        for (int o = 0; o < g.Og; o++)
        {
            int dst = (gi * g.Og + o) * gk, src = gi * gk8 * og32 + o;
            for (int j = 0; j < gk; j++) gw[dst + j] = sum[src + j * og32];
        }
    }
}
