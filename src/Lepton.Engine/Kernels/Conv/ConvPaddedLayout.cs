namespace Lepton.Engine.Kernels;

/// <summary>
/// The zero-padded planes a stride-1 convolution reads through tap offsets (<see cref="ConvStride1"/>).
/// Every plane has row stride Wp = W + PW: a row's right padding is the next row's left padding, so
/// output position q = oh*Wp + ow reads tap (ki, kj) at q + ki*DH*Wp + kj*DW, one contiguous run per tap.
/// Columns ow in [OW, Wp) of the output grid are computed and never stored.
/// </summary>
internal readonly struct ConvPaddedLayout
{
    /// <summary>Row stride of every padded plane, and of the output grids.</summary>
    public readonly int Wp;
    /// <summary>Rows of a padded input plane: H + 2*PH.</summary>
    public readonly int Hp;
    /// <summary>Padding of the output gradient when the input gradient is computed as a convolution of it: D*(K-1) - P.</summary>
    public readonly int GradPadH, GradPadW;
    /// <summary>Rows of a padded output-gradient plane: OH + 2*GradPadH (= H + DH*(KH-1)).</summary>
    public readonly int GradHp;
    /// <summary>Zeros after the last plane: the last tap of the last 32-wide tile reads up to here.</summary>
    public readonly int Slack;

    public ConvPaddedLayout(ConvGeometry g)
    {
        Wp = g.W + g.PW;
        Hp = g.H + 2 * g.PH;
        GradPadH = g.DH * (g.KH - 1) - g.PH;
        GradPadW = g.DW * (g.KW - 1) - g.PW;
        GradHp = g.OH + 2 * GradPadH;
        Slack = 64 + g.DW * (g.KW - 1);
    }

    /// <summary>
    /// Whether the layout applies: stride 1 and padding no wider than the dilated kernel (then OW &lt;= Wp and
    /// the output gradient's padding is not negative).
    /// </summary>
    public static bool Fits(ConvGeometry g) =>
        g.SH == 1 && g.SW == 1 && g.PH <= g.DH * (g.KH - 1) && g.PW <= g.DW * (g.KW - 1);

    public int InputPlane => Hp * Wp;

    public int GradPlane => GradHp * Wp;

    /// <summary>Elements of one padded input sample (C planes and the slack).</summary>
    public int InputSize(ConvGeometry g) => g.C * InputPlane + Slack;

    /// <summary>Elements of one padded output-gradient sample (O planes and the slack).</summary>
    public int GradSize(ConvGeometry g) => g.O * GradPlane + Slack;

    /// <summary>
    /// Copies `planes` dense h x w planes from src into dst as padded planes of `rows` rows of stride Wp, the data
    /// starting at row `top` and column `left`; everything else (and the slack) becomes zero.
    /// </summary>
    public void Pad(float[] src, int srcOffset, int planes, int h, int w, int top, int left, int rows, float[] dst)
    {
        int wp = Wp, plane = rows * wp;
        for (int c = 0; c < planes; c++)
        {
            var p = dst.AsSpan(c * plane, plane);
            p[..(top * wp)].Clear();
            for (int i = 0; i < h; i++)
            {
                var row = p.Slice((top + i) * wp, wp);
                row[..left].Clear();
                src.AsSpan(srcOffset + (c * h + i) * w, w).CopyTo(row[left..]);
                row[(left + w)..].Clear();
            }
            p[((top + h) * wp)..].Clear();
        }
        dst.AsSpan(planes * plane, Slack).Clear();
    }

    /// <summary>
    /// For each 32-wide tile of an output grid of `rows` rows and `width` valid columns (stride Wp), two 16-lane
    /// halves as {valid lanes bit mask, index in the dense rows x width plane of the first valid lane}: the grid's
    /// valid positions in order are consecutive in the dense plane. Rented from the shared pool.
    /// </summary>
    public int[] Halves(int rows, int width, out int tiles)
    {
        int grid = rows * Wp;
        tiles = (grid + 31) / 32;
        var halves = System.Buffers.ArrayPool<int>.Shared.Rent(4 * tiles);
        for (int h = 0; h < 2 * tiles; h++)
        {
            int q0 = 16 * h, bits = 0;
            for (int l = 0; l < 16; l++)
                if (q0 + l < grid && (q0 + l) % Wp < width) bits |= 1 << l;
            halves[2 * h] = bits;
            halves[2 * h + 1] = q0 >= grid ? rows * width : q0 / Wp * width + Math.Min(q0 % Wp, width);
        }
        return halves;
    }
}
