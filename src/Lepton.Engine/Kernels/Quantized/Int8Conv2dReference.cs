namespace Lepton.Engine.Kernels.Quantized;

/// <summary>The plain twin of <see cref="Int8Conv2d"/>: a direct convolution over quantized inputs, no im2col, no threads.</summary>
public static class Int8Conv2dReference
{
    // x: (N,C,H,W) float → y: (N,O,OH,OW) float
    public static void Run(ReadOnlySpan<float> x, Int8ConvShape s, Int8Weights w, in Int8Epilogue e, Span<float> y)
    {
        s.Check(w, x.Length, y.Length);
        float inverse = 1f / e.InputScale;
        int k = s.Kernel, oh = s.OH, ow = s.OW;
        for (int n = 0; n < s.N; n++)
            for (int o = 0; o < w.OutFeatures; o++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++)
                    {
                        int acc = 0;
                        for (int ky = 0; ky < k; ky++)
                            for (int kx = 0; kx < k; kx++)
                            {
                                int iy = oy * s.Stride + ky * s.Dilation - s.Padding, ix = ox * s.Stride + kx * s.Dilation - s.Padding;
                                bool inside = iy >= 0 && iy < s.H && ix >= 0 && ix < s.W;
                                for (int c = 0; c < s.C; c++)
                                {
                                    int q = inside
                                        ? Int8Activations.QuantizeOne(x[((n * s.C + c) * s.H + iy) * s.W + ix], inverse, e.InputZeroPoint)
                                        : e.InputZeroPoint;
                                    acc += q * w.Rows[o * w.K + (ky * k + kx) * s.C + c];
                                }
                            }
                        y[((n * w.OutFeatures + o) * oh + oy) * ow + ox] = Int8GemmReference.Output(acc, o, w, e);
                    }
    }
}
