using System.Buffers;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels.Quantized;

/// <summary>
/// Quantized 2-D convolution, float in and float out: each image is quantized into a zero-point-padded NHWC byte image,
/// unfolded into im2col rows over (ky,kx,c) (each kernel tap one copy of C channel bytes) and multiplied by
/// <see cref="Int8Gemm"/>, whose channel-major output is the image's NCHW plane. Images are split across cores.
/// <see cref="Int8Conv2dReference"/> is its twin.
/// </summary>
public static unsafe class Int8Conv2d
{
    // x: (N,C,H,W) float → y: (N,O,OH,OW) float
    public static void Run(ReadOnlySpan<float> x, Int8ConvShape s, Int8Weights w, in Int8Epilogue e, Span<float> y)
    {
        s.Check(w, x.Length, y.Length);
        Int8GemmReference.Check(0, 0, w.KPadded, w, e, 0, w.OutFeatures, false);
        if (s.N == 0) return;
        fixed (float* px = x)
        fixed (float* py = y)
        {
            float* xp = px, yp = py;
            var epilogue = e;
            long macs = (long)w.OutFeatures * s.OH * s.OW * w.K;
            CpuParallel.For(s.N, macs / 8, (start, end) => RunImages(xp, yp, s, w, epilogue, start, end));
        }
    }

    private static void RunImages(float* x, float* y, Int8ConvShape s, Int8Weights w, Int8Epilogue e, int start, int end)
    {
        int hp = s.H + 2 * s.Padding, wp = s.W + 2 * s.Padding, c = s.C, k = s.Kernel;
        int oh = s.OH, ow = s.OW, p = oh * ow, lda = w.KPadded;
        var image = ArrayPool<byte>.Shared.Rent(hp * wp * c);
        var col = ArrayPool<byte>.Shared.Rent(p * lda);
        var row = ArrayPool<byte>.Shared.Rent(s.W);
        try
        {
            float inverse = 1f / e.InputScale;
            // The border is the zero point (a float 0) and the im2col padding past K meets zero weights.
            image.AsSpan(0, hp * wp * c).Fill((byte)e.InputZeroPoint);
            col.AsSpan(0, p * lda).Clear();
            fixed (byte* img = image)
            fixed (byte* cols = col)
            fixed (byte* rowBuf = row)
            {
                for (int n = start; n < end; n++)
                {
                    float* xn = x + (long)n * c * s.H * s.W;
                    for (int ch = 0; ch < c; ch++)
                        for (int iy = 0; iy < s.H; iy++)
                        {
                            byte* dst = img + ((long)(iy + s.Padding) * wp + s.Padding) * c + ch;
                            var src = new ReadOnlySpan<float>(xn + ((long)ch * s.H + iy) * s.W, s.W);
                            if (c == 1)
                            {
                                Int8Activations.Quantize(src, inverse, e.InputZeroPoint, new Span<byte>(dst, s.W));
                                continue;
                            }
                            Int8Activations.Quantize(src, inverse, e.InputZeroPoint, new Span<byte>(rowBuf, s.W));
                            for (int ix = 0; ix < s.W; ix++) dst[(long)ix * c] = rowBuf[ix];
                        }
                    for (int oy = 0, pix = 0; oy < oh; oy++)
                        for (int ox = 0; ox < ow; ox++, pix++)
                        {
                            byte* dst = cols + (long)pix * lda;
                            for (int ky = 0; ky < k; ky++)
                            {
                                byte* srcRow = img + ((long)(oy * s.Stride + ky * s.Dilation) * wp + ox * s.Stride) * c;
                                for (int kx = 0; kx < k; kx++, dst += c)
                                    Buffer.MemoryCopy(srcRow + (long)kx * s.Dilation * c, dst, c, c);
                            }
                        }
                    Int8Gemm.RunUnchecked(cols, p, lda, w, e, y + (long)n * w.OutFeatures * p, p, channelMajor: true);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(image);
            ArrayPool<byte>.Shared.Return(col);
            ArrayPool<byte>.Shared.Return(row);
        }
    }
}
