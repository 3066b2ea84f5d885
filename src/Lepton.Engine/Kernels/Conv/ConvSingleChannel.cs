using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// A 3x3 convolution (stride 1, padding 1) of a single input channel, the first layer of a grayscale CNN, for inference:
/// each output channel is nine broadcast weights times shifted rows of the zero-padded plane, 16 output columns per AVX-512
/// vector (a row's last vector overlaps the one before it instead of a scalar tail). Optionally ReLU and 2x2 max pooling
/// follow on the two rows of each pooled row while they are in registers. The im2col-style panels of the general stride-1
/// kernel spend most of their time on a 9-deep inner product here. Without AVX-512, the same in 8-column AVX2 vectors
/// (ConvSingleChannel.Avx2.cs). Its twin is <see cref="Conv2dReference"/>.
/// </summary>
internal static partial class ConvSingleChannel
{
    /// <summary>Tests switch the path off to run the general kernels on the same shapes.</summary>
    [ThreadStatic] internal static bool Disabled;

    /// <summary>Calls on this thread take the AVX2 vectors, as on a CPU without AVX-512 (tests of that path).</summary>
    [ThreadStatic] internal static bool ForceAvx2;

    private static bool Wide => Avx512F.IsSupported && !ForceAvx2;

    private const int Lanes = 16;

    // Lanes 0..7 pick the even (odd) columns of a 16-column vector; the upper lanes are not stored.
    private static readonly Vector512<int> Evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 0, 0, 0, 0, 0, 0, 0);
    private static readonly Vector512<int> Odds = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 1, 1, 1, 1, 1, 1, 1, 1);

    public static bool Applies(ConvGeometry g) =>
        !Disabled && (Wide || (Avx2.IsSupported && Fma.IsSupported)) && g.C == 1 && g.Groups == 1 && g.KH == 3 && g.KW == 3
        && g.PH == 1 && g.PW == 1 && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1 && g.OW >= (Wide ? Lanes : Lanes256);

    /// <summary>
    /// y = tail(conv(x, w) + bias); with <see cref="ConvTail.ReluMaxPool2x2"/>, y = MaxPool2d(2)(ReLU(conv(x, w) + bias)) and OH, OW
    /// must be even.
    /// </summary>
    // x: (N,1,H,W), w: (O,1,3,3) → y: (N,O,H,W), or (N,O,H/2,W/2) when pooled
    public static void Forward(float[] x, int xOffset, float[] w, int wOffset, float[]? bias, int biasOffset, ConvGeometry g, float[] y, ConvTail tail)
    {
        if (tail == ConvTail.ReluMaxPool2x2 && (g.OH % 2 != 0 || g.OW % 2 != 0))
            throw new ArgumentException($"ConvSingleChannel: pooling needs an even output size, got {g.OH}x{g.OW}.");
        var job = PlaneJob.Current ??= new PlaneJob();
        (job.X, job.XOffset, job.W, job.WOffset, job.Bias, job.BiasOffset, job.G, job.Y, job.Tail, job.Narrow) =
            (x, xOffset, w, wOffset, bias, biasOffset, g, y, tail, !Wide);
        try
        {
            CpuParallel.For(g.N * g.O, 9L * g.OH * g.OW / 4, job.Body);
        }
        finally
        {
            (job.X, job.W, job.Bias, job.Y) = (null!, null!, null, null!); // drop the call's arrays
        }
    }

    // Forward's loop over output planes (sample, channel) with the call's arguments in fields: one instance per thread,
    // reused call after call, so a served forward allocates no closure here.
    private sealed class PlaneJob : SplitJob
    {
        [ThreadStatic] public static PlaneJob? Current;
        public float[] X = null!, W = null!, Y = null!;
        public float[]? Bias;
        public int XOffset, WOffset, BiasOffset;
        public ConvGeometry G;
        public ConvTail Tail;
        public bool Narrow;

        protected override void Run(int p0, int p1)
        {
            var g = G;
            int wp = g.W + 2;
            var pad = ArrayPool<float>.Shared.Rent((g.H + 2) * wp);
            try
            {
                int padded = -1;
                for (int p = p0; p < p1; p++)
                {
                    int n = p / g.O, o = p % g.O;
                    // Consecutive planes of one sample share its padded input.
                    if (n != padded) Pad(X.AsSpan(XOffset + n * g.H * g.W, g.H * g.W), g, pad);
                    padded = n;
                    float b = Bias is null ? 0f : Bias[BiasOffset + o];
                    var taps = W.AsSpan(WOffset + o * 9, 9);
                    if (Tail == ConvTail.ReluMaxPool2x2)
                    {
                        var pooled = Y.AsSpan(p * (g.OH / 2) * (g.OW / 2), g.OH / 2 * (g.OW / 2));
                        if (Narrow) PooledPlane256(pad, wp, taps, b, g, pooled);
                        else PooledPlane(pad, wp, taps, b, g, pooled);
                        continue;
                    }
                    var plane = Y.AsSpan(p * g.OH * g.OW, g.OH * g.OW);
                    if (Narrow) Plane256(pad, wp, taps, b, g, plane);
                    else Plane(pad, wp, taps, b, g, plane);
                    if (Tail == ConvTail.Relu) ReluInPlace.Apply(plane);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(pad);
            }
        }
    }

    // The plane with a border of zeros: (H+2) rows of W+2.
    private static void Pad(ReadOnlySpan<float> plane, ConvGeometry g, float[] pad)
    {
        int wp = g.W + 2;
        pad.AsSpan(0, wp).Clear();
        pad.AsSpan((g.H + 1) * wp, wp).Clear();
        for (int r = 0; r < g.H; r++)
        {
            var row = pad.AsSpan((r + 1) * wp, wp);
            row[0] = 0f;
            row[wp - 1] = 0f;
            plane.Slice(r * g.W, g.W).CopyTo(row[1..]);
        }
    }

    // Where each vector of a row starts: every 16 columns, the last one flush with the row's end.
    private static int Start(int v, int ow, int lanes = Lanes) => Math.Min(v * lanes, ow - lanes);

    private static unsafe void Plane(float[] pad, int wp, ReadOnlySpan<float> w, float b, ConvGeometry g, Span<float> y)
    {
        int vectors = (g.OW + Lanes - 1) / Lanes;
        var k = new Nine(w);
        var vb = Vector512.Create(b);
        fixed (float* p = pad)
        fixed (float* py = y)
            for (int oh = 0; oh < g.OH; oh++)
                for (int v = 0; v < vectors; v++)
                {
                    int s = Start(v, g.OW);
                    Avx512F.Store(py + oh * g.OW + s, Row(p + oh * wp + s, wp, k, vb));
                }
    }

    private static unsafe void PooledPlane(float[] pad, int wp, ReadOnlySpan<float> w, float b, ConvGeometry g, Span<float> y)
    {
        int vectors = (g.OW + Lanes - 1) / Lanes, pw = g.OW / 2;
        var k = new Nine(w);
        var vb = Vector512.Create(b);
        fixed (float* p = pad)
        fixed (float* py = y)
            for (int r = 0; r < g.OH / 2; r++)
                for (int v = 0; v < vectors; v++)
                {
                    int s = Start(v, g.OW); // even, as OW is
                    float* top = p + 2 * r * wp + s;
                    var m = Avx512F.Max(Avx512F.Max(Row(top, wp, k, vb), Row(top + wp, wp, k, vb)), Vector512<float>.Zero);
                    var pairs = Avx512F.Max(Avx512F.PermuteVar16x32(m, Evens), Avx512F.PermuteVar16x32(m, Odds));
                    Avx.Store(py + r * pw + s / 2, pairs.GetLower());
                }
    }

    // The nine weights of one output channel, each broadcast to a vector.
    private readonly struct Nine(ReadOnlySpan<float> w)
    {
        public readonly Vector512<float> W0 = Vector512.Create(w[0]), W1 = Vector512.Create(w[1]), W2 = Vector512.Create(w[2]),
            W3 = Vector512.Create(w[3]), W4 = Vector512.Create(w[4]), W5 = Vector512.Create(w[5]),
            W6 = Vector512.Create(w[6]), W7 = Vector512.Create(w[7]), W8 = Vector512.Create(w[8]);
    }

    // 16 outputs of one row: bias + the nine taps over the three padded rows starting at p (the output's top-left tap).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> Row(float* p, int wp, in Nine k, Vector512<float> bias)
    {
        var acc = Avx512F.FusedMultiplyAdd(k.W0, Avx512F.LoadVector512(p), bias);
        acc = Avx512F.FusedMultiplyAdd(k.W1, Avx512F.LoadVector512(p + 1), acc);
        acc = Avx512F.FusedMultiplyAdd(k.W2, Avx512F.LoadVector512(p + 2), acc);
        acc = Avx512F.FusedMultiplyAdd(k.W3, Avx512F.LoadVector512(p + wp), acc);
        acc = Avx512F.FusedMultiplyAdd(k.W4, Avx512F.LoadVector512(p + wp + 1), acc);
        acc = Avx512F.FusedMultiplyAdd(k.W5, Avx512F.LoadVector512(p + wp + 2), acc);
        acc = Avx512F.FusedMultiplyAdd(k.W6, Avx512F.LoadVector512(p + 2 * wp), acc);
        acc = Avx512F.FusedMultiplyAdd(k.W7, Avx512F.LoadVector512(p + 2 * wp + 1), acc);
        return Avx512F.FusedMultiplyAdd(k.W8, Avx512F.LoadVector512(p + 2 * wp + 2), acc);
    }
}
