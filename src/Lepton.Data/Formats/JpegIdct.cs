namespace Lepton.Data.Formats;

/// <summary>
/// The 8x8 inverse DCT (T.81 A.3.3) as two separable float passes over a precomputed cosine table, with the
/// level shift (+128), rounding and clamping to 0..255 folded into the output. Rows whose AC terms are all zero
/// take a shortcut (most rows of a typical block).
/// </summary>
internal static class JpegIdct
{
    /// <summary>Zig-zag position k → natural (row-major) index.</summary>
    public static ReadOnlySpan<byte> ZigZag =>
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    // Basis[x * 8 + u] = C(u)/2 * cos((2x+1) u pi / 16), C(0) = 1/sqrt(2), else 1.
    private static readonly float[] Basis = BuildBasis();

    private static float[] BuildBasis()
    {
        var table = new float[64];
        for (int x = 0; x < 8; x++)
            for (int u = 0; u < 8; u++)
                table[x * 8 + u] = (float)((u == 0 ? 1 / Math.Sqrt(2) : 1.0) / 2 * Math.Cos((2 * x + 1) * u * Math.PI / 16));
        return table;
    }

    /// <summary>Transforms dequantized coefficients (natural order) into 8x8 samples written at <paramref name="offset"/> with <paramref name="stride"/>.</summary>
    public static void Transform(ReadOnlySpan<int> coefficients, Span<byte> output, int offset, int stride)
    {
        Span<float> rows = stackalloc float[64];
        var basis = Basis;
        for (int v = 0; v < 8; v++)
        {
            var row = coefficients.Slice(v * 8, 8);
            var target = rows.Slice(v * 8, 8);
            if (row[1] == 0 && row[2] == 0 && row[3] == 0 && row[4] == 0 && row[5] == 0 && row[6] == 0 && row[7] == 0)
            {
                target.Fill(row[0] * basis[0]);
                continue;
            }
            for (int x = 0; x < 8; x++)
            {
                float sum = 0;
                for (int u = 0; u < 8; u++) sum += basis[x * 8 + u] * row[u];
                target[x] = sum;
            }
        }
        for (int y = 0; y < 8; y++)
        {
            int line = offset + y * stride;
            for (int x = 0; x < 8; x++)
            {
                float sum = 128.5f;
                for (int v = 0; v < 8; v++) sum += basis[y * 8 + v] * rows[v * 8 + x];
                output[line + x] = sum <= 0 ? (byte)0 : sum >= 255 ? (byte)255 : (byte)sum;
            }
        }
    }
}
