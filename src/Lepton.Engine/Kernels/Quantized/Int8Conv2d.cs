using System.Buffers;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels.Quantized;

/// <summary>
/// Quantized 2-D convolution, float in and float out: each image is quantized into a zero-point-padded NHWC byte image and
/// unfolded over (ky,kx,c). With AVX-512 BW the unfolding packs blocks of 16 pixels for <see cref="Int8ConvKernel"/>
/// (pixel-major, NCHW output rows written whole); without it, into im2col rows for <see cref="Int8Gemm"/> (its AVX2 tiles,
/// or its scalar fallback on a CPU without AVX2). Images are split across cores.
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
            // The dispatch is decided on the calling thread (the test overrides are per thread), then every worker follows it.
            var isa = Int8Gemm.InstructionSet;
            var path = isa == Int8InstructionSet.Reference ? Path.Reference : PixelMajorOnThisThread(isa) ? Path.PixelMajor : Path.Im2col;
            CpuParallel.For(s.N, macs / 8, (start, end) => RunImages(xp, yp, s, w, epilogue, start, end, path, isa));
        }
    }

    /// <summary>
    /// MaxPool2d(2)(ReLU(conv(x))) with each image pooled while its convolution output is still in cache, so the full-size
    /// activation is never stored (as the float Conv2dReluMaxPool2d does). OH and OW must be even; the epilogue's ReLU is on.
    /// The same values as <see cref="Run"/> followed by a 2x2 max pooling.
    /// </summary>
    // x: (N,C,H,W) float → y: (N,O,OH/2,OW/2) float
    public static void RunReluMaxPool2x2(ReadOnlySpan<float> x, Int8ConvShape s, Int8Weights w, in Int8Epilogue e, Span<float> y)
    {
        if (s.OH % 2 != 0 || s.OW % 2 != 0)
            throw new ArgumentException($"Int8Conv2d.RunReluMaxPool2x2: the convolution output {s.OH}x{s.OW} must have an even height and width; run Run and pool separately.");
        s.Check(w, x.Length, (long)y.Length * 4);
        var epilogue = e with { Relu = true };
        Int8GemmReference.Check(0, 0, w.KPadded, w, epilogue, 0, w.OutFeatures, false);
        if (s.N == 0) return;
        int o = w.OutFeatures, p = s.OH * s.OW;
        if (!PixelMajorOnThisThread(Int8Gemm.InstructionSet))
        {
            // The fallbacks convolve the whole batch, then pool it.
            var full = new float[(long)s.N * o * p];
            Run(x, s, w, epilogue, full);
            var pooled = new float[y.Length];
            MaxPool2x2.ReluPoolPlanes(full, 0, s.N * o, s.OH, s.OW, pooled, 0);
            pooled.AsSpan(0, s.N * o * p / 4).CopyTo(y);
            return;
        }
        fixed (float* px = x)
        fixed (float* py = y)
        {
            float* xp = px, yp = py;
            long macs = (long)o * p * w.K;
            CpuParallel.For(s.N, macs / 8, (start, end) => RunPixelMajor(xp, yp, s, w, epilogue, start, end, pool: true));
        }
    }

    private enum Path { PixelMajor, Im2col, Reference }

    private static bool PixelMajorOnThisThread(Int8InstructionSet isa) => isa == Int8InstructionSet.Avx512 && Avx512BW.IsSupported && !ForceIm2col;

    private static void RunImages(float* x, float* y, Int8ConvShape s, Int8Weights w, Int8Epilogue e, int start, int end, Path path, Int8InstructionSet isa)
    {
        if (path == Path.PixelMajor) RunPixelMajor(x, y, s, w, e, start, end, pool: false);
        else RunIm2col(x, y, s, w, e, start, end, path == Path.Im2col ? isa : Int8InstructionSet.Reference);
    }

    /// <summary>Calls made on the current thread take the im2col path (row-major unfolding and <see cref="Int8Gemm"/>): tests hold both paths equal.</summary>
    [ThreadStatic] internal static bool ForceIm2col;

    // Packs each image into blocks of 16 output pixels x 4 consecutive k straight from the padded NHWC byte image, and runs
    // the pixel-major kernel, whose output rows are the image's NCHW planes.
    // With pool, each image's output goes to a scratch plane set and is pooled 2x2 into y (N,O,OH/2,OW/2).
    private static void RunPixelMajor(float* x, float* y, Int8ConvShape s, Int8Weights w, Int8Epilogue e, int start, int end, bool pool)
    {
        int hp = s.H + 2 * s.Padding, wp = s.W + 2 * s.Padding, c = s.C, k = s.Kernel;
        int oh = s.OH, ow = s.OW, p = oh * ow, groups = w.KPadded / 4;
        int blocks = (p + Int8ConvKernel.BlockPixels - 1) / Int8ConvKernel.BlockPixels;
        var image = ArrayPool<byte>.Shared.Rent(hp * wp * c);
        var packed = ArrayPool<byte>.Shared.Rent(blocks * groups * 64);
        var row = ArrayPool<byte>.Shared.Rent(s.W);
        int outs = w.OutFeatures, pooledSize = outs * (p / 4);
        var convOut = pool ? ArrayPool<float>.Shared.Rent(outs * p) : null;
        var pooled = pool ? ArrayPool<float>.Shared.Rent(pooledSize) : null;
        // Where each k sits in a pixel's receptive field (k runs over (ky,kx,c) as Int8Weights.FromConv orders the weights),
        // and where each output pixel's field starts in the padded image. Padding k and pixels read byte 0: their products
        // meet zero weights or are never stored.
        var offsets = new int[w.KPadded];
        for (int kk = 0; kk < w.K; kk++)
        {
            int tap = kk / c, ch = kk % c;
            offsets[kk] = ((tap / k) * s.Dilation * wp + tap % k * s.Dilation) * c + ch;
        }
        var origins = new int[blocks * Int8ConvKernel.BlockPixels];
        for (int oy = 0, pix = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++, pix++)
                origins[pix] = (oy * s.Stride * wp + ox * s.Stride) * c;
        try
        {
            float inverse = 1f / e.InputScale;
            image.AsSpan(0, hp * wp * c).Fill((byte)e.InputZeroPoint);
            fixed (byte* img = image)
            fixed (byte* cols = packed)
            fixed (byte* rowBuf = row)
            fixed (int* off = offsets)
            fixed (int* org = origins)
            fixed (float* scratch = convOut)
            {
                for (int n = start; n < end; n++)
                {
                    QuantizeImage(x + (long)n * c * s.H * s.W, img, rowBuf, s, e.InputZeroPoint, inverse, wp, Int8InstructionSet.Avx512);
                    if (c % 4 == 0) PackQuads(img, cols, blocks, groups, off, org);
                    else PackBytes(img, cols, blocks, groups, off, org);
                    if (!pool)
                    {
                        Int8ConvKernel.Run(cols, blocks, groups, w, e, y + (long)n * outs * p, p);
                        continue;
                    }
                    Int8ConvKernel.Run(cols, blocks, groups, w, e, scratch, p);
                    MaxPool2x2.ReluPoolPlanes(convOut!, 0, outs, oh, ow, pooled!, 0);
                    pooled.AsSpan(0, pooledSize).CopyTo(new Span<float>(y + (long)n * pooledSize, pooledSize));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(image);
            ArrayPool<byte>.Shared.Return(packed);
            ArrayPool<byte>.Shared.Return(row);
            if (convOut is not null) ArrayPool<float>.Shared.Return(convOut);
            if (pooled is not null) ArrayPool<float>.Shared.Return(pooled);
        }
    }

    // One image (C,H,W) float into the interior of the zero-point-bordered NHWC byte image.
    private static void QuantizeImage(float* xn, byte* img, byte* rowBuf, Int8ConvShape s, int zeroPoint, float inverse, int wp, Int8InstructionSet isa)
    {
        int c = s.C;
        for (int ch = 0; ch < c; ch++)
            for (int iy = 0; iy < s.H; iy++)
            {
                byte* dst = img + ((long)(iy + s.Padding) * wp + s.Padding) * c + ch;
                var src = new ReadOnlySpan<float>(xn + ((long)ch * s.H + iy) * s.W, s.W);
                if (c == 1)
                {
                    Int8Activations.Quantize(src, inverse, zeroPoint, new Span<byte>(dst, s.W), isa);
                    continue;
                }
                Int8Activations.Quantize(src, inverse, zeroPoint, new Span<byte>(rowBuf, s.W), isa);
                for (int ix = 0; ix < s.W; ix++) dst[(long)ix * c] = rowBuf[ix];
            }
    }

    // C a multiple of 4: each k-group is 4 channels of one tap, one int copy per pixel.
    private static void PackQuads(byte* img, byte* cols, int blocks, int groups, int* off, int* org)
    {
        for (int b = 0; b < blocks; b++)
        {
            int* o = org + b * Int8ConvKernel.BlockPixels;
            int* dst = (int*)(cols + (long)b * groups * 64);
            for (int g = 0; g < groups; g++, dst += Int8ConvKernel.BlockPixels)
            {
                byte* src = img + off[4 * g];
                for (int j = 0; j < Int8ConvKernel.BlockPixels; j++) dst[j] = *(int*)(src + o[j]);
            }
        }
    }

    // Any C (the first layer's 1 or 3): byte by byte.
    private static void PackBytes(byte* img, byte* cols, int blocks, int groups, int* off, int* org)
    {
        for (int b = 0; b < blocks; b++)
        {
            int* o = org + b * Int8ConvKernel.BlockPixels;
            byte* dst = cols + (long)b * groups * 64;
            for (int g = 0; g < groups; g++, dst += 64)
            {
                int k0 = off[4 * g], k1 = off[4 * g + 1], k2 = off[4 * g + 2], k3 = off[4 * g + 3];
                for (int j = 0; j < Int8ConvKernel.BlockPixels; j++)
                {
                    byte* src = img + o[j];
                    dst[4 * j] = src[k0];
                    dst[4 * j + 1] = src[k1];
                    dst[4 * j + 2] = src[k2];
                    dst[4 * j + 3] = src[k3];
                }
            }
        }
    }

    private static void RunIm2col(float* x, float* y, Int8ConvShape s, Int8Weights w, Int8Epilogue e, int start, int end, Int8InstructionSet isa)
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
                    QuantizeImage(x + (long)n * c * s.H * s.W, img, rowBuf, s, e.InputZeroPoint, inverse, wp, isa);
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
                    Int8Gemm.RunUnchecked(cols, p, lda, w, e, y + (long)n * w.OutFeatures * p, p, channelMajor: true, isa);
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
