using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels;

// The AVX-512 planes in 8-column AVX2 vectors: the same overlapping last vector of a row and ReLU + 2x2 pooling of each row
// pair in registers. Each output is rounded as the path it stands in for on an AVX2 CPU computes it (im2col rows through
// the AVX2 GEMM: nine FMAs from zero, then the bias added), so a model prepared for serving gives the bits it gave in
// training there.
internal static partial class ConvSingleChannel
{
    private const int Lanes256 = 8;

    // Lanes 0..3 pick the even (odd) columns of an 8-column vector; the upper lanes are not stored.
    private static readonly Vector256<int> Evens256 = Vector256.Create(0, 2, 4, 6, 0, 0, 0, 0);
    private static readonly Vector256<int> Odds256 = Vector256.Create(1, 3, 5, 7, 1, 1, 1, 1);

    private static unsafe void Plane256(float[] pad, int wp, ReadOnlySpan<float> w, float b, ConvGeometry g, Span<float> y)
    {
        int vectors = (g.OW + Lanes256 - 1) / Lanes256;
        var k = new Nine256(w);
        var vb = Vector256.Create(b);
        fixed (float* p = pad)
        fixed (float* py = y)
            for (int oh = 0; oh < g.OH; oh++)
                for (int v = 0; v < vectors; v++)
                {
                    int s = Start(v, g.OW, Lanes256);
                    Avx.Store(py + oh * g.OW + s, Row256(p + oh * wp + s, wp, k, vb));
                }
    }

    private static unsafe void PooledPlane256(float[] pad, int wp, ReadOnlySpan<float> w, float b, ConvGeometry g, Span<float> y)
    {
        int vectors = (g.OW + Lanes256 - 1) / Lanes256, pw = g.OW / 2;
        var k = new Nine256(w);
        var vb = Vector256.Create(b);
        fixed (float* p = pad)
        fixed (float* py = y)
            for (int r = 0; r < g.OH / 2; r++)
                for (int v = 0; v < vectors; v++)
                {
                    int s = Start(v, g.OW, Lanes256); // even, as OW is
                    float* top = p + 2 * r * wp + s;
                    var m = Avx.Max(Avx.Max(Row256(top, wp, k, vb), Row256(top + wp, wp, k, vb)), Vector256<float>.Zero);
                    var pairs = Avx.Max(Avx2.PermuteVar8x32(m, Evens256), Avx2.PermuteVar8x32(m, Odds256));
                    Sse.Store(py + r * pw + s / 2, pairs.GetLower());
                }
    }

    private readonly struct Nine256(ReadOnlySpan<float> w)
    {
        public readonly Vector256<float> W0 = Vector256.Create(w[0]), W1 = Vector256.Create(w[1]), W2 = Vector256.Create(w[2]),
            W3 = Vector256.Create(w[3]), W4 = Vector256.Create(w[4]), W5 = Vector256.Create(w[5]),
            W6 = Vector256.Create(w[6]), W7 = Vector256.Create(w[7]), W8 = Vector256.Create(w[8]);
    }

    // 8 outputs of one row: the nine taps over the three padded rows starting at p, then the bias.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Row256(float* p, int wp, in Nine256 k, Vector256<float> bias)
    {
        var acc = Fma.MultiplyAdd(k.W0, Avx.LoadVector256(p), Vector256<float>.Zero);
        acc = Fma.MultiplyAdd(k.W1, Avx.LoadVector256(p + 1), acc);
        acc = Fma.MultiplyAdd(k.W2, Avx.LoadVector256(p + 2), acc);
        acc = Fma.MultiplyAdd(k.W3, Avx.LoadVector256(p + wp), acc);
        acc = Fma.MultiplyAdd(k.W4, Avx.LoadVector256(p + wp + 1), acc);
        acc = Fma.MultiplyAdd(k.W5, Avx.LoadVector256(p + wp + 2), acc);
        acc = Fma.MultiplyAdd(k.W6, Avx.LoadVector256(p + 2 * wp), acc);
        acc = Fma.MultiplyAdd(k.W7, Avx.LoadVector256(p + 2 * wp + 1), acc);
        return Fma.MultiplyAdd(k.W8, Avx.LoadVector256(p + 2 * wp + 2), acc) + bias;
    }
}
