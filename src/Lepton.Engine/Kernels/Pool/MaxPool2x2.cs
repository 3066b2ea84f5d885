using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Max pooling with a 2x2 window, stride 2 and no padding over float32 planes of even height and
/// width (the windows tile the input exactly): branch-free, no bounds checks. Same results and
/// argmax indices as <see cref="Pool2dKernels.MaxForward{T}"/> (first maximum in row-major order
/// wins, NaN propagates). Inference after ReLU takes the plain-maximum kernel in MaxPool2x2.ReluInference.cs.
/// </summary>
internal static unsafe partial class MaxPool2x2
{
    /// <summary>True when the fast path applies to this geometry.</summary>
    public static bool Applies(PoolGeometry g) =>
        g is { KH: 2, KW: 2, SH: 2, SW: 2, PH: 0, PW: 0 } && g.H % 2 == 0 && g.W % 2 == 0;

    // x: (planes, H, W) at xOffset → y (planes, H/2, W/2); argmax: h*W+w of each winner in its plane, or null
    // (inference) to compute the maxima alone. With relu, the windows are pooled from max(x, 0) as ReLU computes it
    // (NaN becomes 0), so y and argmax equal MaxPool(ReLU(x)) without the ReLU output ever being stored.
    public static void Forward(float[] x, int xOffset, PoolGeometry g, float[] y, int[]? argmax, bool relu = false)
    {
        int w = g.W, ow = g.OW, oh = g.OH;
        if ((long)xOffset + (long)g.Planes * g.H * w > x.Length || y.Length < g.Planes * oh * ow || (argmax is not null && argmax.Length < y.Length))
            throw new ArgumentException($"MaxPool2x2: buffers too small for {g}.");
        var job = t_forward ??= new ForwardJob();
        (job.X, job.XOffset, job.G, job.Y, job.Argmax, job.Relu, job.Narrow) = (x, xOffset, g, y, argmax, relu, ForceAvx2);
        try
        {
            CpuParallel.For(g.Planes * oh, 4L * ow, job.Body);
        }
        finally
        {
            (job.X, job.Y, job.Argmax) = (null!, null!, null);
        }
    }

    [ThreadStatic] private static ForwardJob? t_forward;

    private sealed class ForwardJob : SplitJob
    {
        public float[] X = null!, Y = null!;
        public int[]? Argmax;
        public int XOffset;
        public PoolGeometry G;
        public bool Relu, Narrow;

        protected override void Run(int r0, int r1) => ForwardRows(X, XOffset, G, Y, 0, Argmax, Relu, r0, r1, Narrow);
    }

    /// <summary>
    /// MaxPool(ReLU(x)) of <paramref name="planes"/> planes (h, w even) at xOffset into y at yOffset, on the calling thread
    /// without winners' positions: the epilogue of a convolution that pools each chunk while its output is in cache.
    /// </summary>
    public static void ReluPoolPlanes(float[] x, int xOffset, int planes, int h, int w, float[] y, int yOffset)
    {
        var g = new PoolGeometry(planes, h, w, 2, 2, 2, 2);
        if ((long)xOffset + (long)planes * h * w > x.Length || (long)yOffset + (long)planes * g.OH * g.OW > y.Length)
            throw new ArgumentException($"MaxPool2x2: buffers too small for {g}.");
        ForwardRows(x, xOffset, g, y, yOffset, null, relu: true, 0, planes * g.OH, ForceAvx2);
    }

    /// <summary>
    /// Output rows [r0, r1) of every plane of <see cref="ReluPoolPlanes"/> (each plane's rows 2*r0 to 2*r1 of x), for the
    /// part of a sample's convolution that computed those rows.
    /// </summary>
    public static void ReluPoolPlaneRows(float[] x, int xOffset, int planes, int h, int w, float[] y, int yOffset, int r0, int r1)
    {
        var one = new PoolGeometry(1, h, w, 2, 2, 2, 2);
        if ((long)xOffset + (long)planes * h * w > x.Length || (long)yOffset + (long)planes * one.OH * one.OW > y.Length)
            throw new ArgumentException($"MaxPool2x2: buffers too small for {planes} planes of {one}.");
        if (r0 < 0 || r1 > one.OH || r0 > r1) throw new ArgumentOutOfRangeException(nameof(r0), $"MaxPool2x2: rows [{r0}, {r1}) outside 0..{one.OH}.");
        for (int p = 0; p < planes; p++)
            ForwardRows(x, xOffset + p * h * w, one, y, yOffset + p * one.OH * one.OW, null, relu: true, r0, r1, ForceAvx2);
    }

    // Output rows [r0, r1) of all planes, written from y[yOffset]; narrow: the AVX2 path even where AVX-512 is there (the
    // calling thread's ForceAvx2, carried to the workers).
    private static void ForwardRows(float[] x, int xOffset, PoolGeometry g, float[] y, int yOffset, int[]? argmax, bool relu, int r0, int r1, bool narrow)
    {
        int w = g.W, ow = g.OW, oh = g.OH;
        fixed (float* px = x, py = y)
        fixed (int* pa = argmax)
        {
            bool wide = Avx512F.IsSupported && !narrow;
            if (relu && argmax is null && wide)
            {
                ReluPoolRows512(px + xOffset, py + yOffset, w, r0, r1);
                return;
            }
            for (int r = r0; r < r1; r++)
            {
                // Output row r is row i of plane p; its window rows are 2i and 2i+1.
                int i = r % oh;
                float* top = px + xOffset + (long)(r - i) * 4 * ow + 2L * i * w;
                float* bot = top + w;
                float* yo = py + yOffset + (long)r * ow;
                int* ao = pa == null ? null : pa + (long)r * ow;
                int rowBase = 2 * i * w;
                // The vector loads read up to 31 floats past the window rows: only where x has them.
                int j0 = 0;
                if (wide && bot - px + 2L * ow + 32 <= x.Length)
                    j0 = ForwardRow512(top, bot, w, ow, yo, ao, rowBase, relu);
                else if (Avx2.IsSupported)
                    j0 = ForwardRow256(top, bot, w, ow, yo, ao, rowBase, relu);
                for (int j = j0; j < ow; j++)
                {
                    float a0 = top[2 * j], a1 = top[2 * j + 1], a2 = bot[2 * j], a3 = bot[2 * j + 1];
                    if (relu)
                    {
                        a0 = a0 > 0 ? a0 : 0;
                        a1 = a1 > 0 ? a1 : 0;
                        a2 = a2 > 0 ? a2 : 0;
                        a3 = a3 > 0 ? a3 : 0;
                    }
                    // A later element wins only when strictly greater or NaN: pairs within a row first,
                    // then the bottom pair against the top, which keeps row-major "first maximum" order.
                    bool right = a1 > a0 | float.IsNaN(a1);
                    float t = right ? a1 : a0;
                    int ti = right ? 1 : 0;
                    bool rightB = a3 > a2 | float.IsNaN(a3);
                    float b = rightB ? a3 : a2;
                    int bi = rightB ? w + 1 : w;
                    bool lower = b > t | float.IsNaN(b);
                    yo[j] = lower ? b : t;
                    if (ao != null) ao[j] = rowBase + 2 * j + (lower ? bi : ti);
                }
            }
        }
    }

    // gy (planes, H/2, W/2) → gx (planes, H, W), every element written (gx need not be zeroed): each
    // thread clears its own rows while they are in cache, then stores each gradient at its argmax.
    // (Writing all four window elements with vector selects measured slower: rows of 7 or 14 outputs
    // are all tail.)
    // With reluInput (the x of a ReLU+pool forward, at reluOffset) each gradient is masked by ReLU's: the backward of
    // MaxPool(ReLU(x)) in one pass.
    public static void Backward(float[] gy, int gyOffset, PoolGeometry g, int[] argmax, float[] gx, float[]? reluInput = null, int reluOffset = 0)
    {
        int w = g.W, ow = g.OW, oh = g.OH;
        if ((long)gyOffset + (long)g.Planes * oh * ow > gy.Length || gx.Length < g.Planes * g.H * w || argmax.Length < g.Planes * oh * ow
            || (reluInput is not null && (long)reluOffset + (long)g.Planes * g.H * w > reluInput.Length))
            throw new ArgumentException($"MaxPool2x2: buffers too small for {g}.");
        var job = t_backward ??= new BackwardJob();
        (job.Gy, job.GyOffset, job.G, job.Argmax, job.Gx, job.ReluInput, job.ReluOffset) = (gy, gyOffset, g, argmax, gx, reluInput, reluOffset);
        try
        {
            CpuParallel.For(g.Planes * oh, 4L * ow, job.Body);
        }
        finally
        {
            (job.Gy, job.Argmax, job.Gx, job.ReluInput) = (null!, null!, null!, null);
        }
    }

    [ThreadStatic] private static BackwardJob? t_backward;

    private sealed class BackwardJob : SplitJob
    {
        public float[] Gy = null!, Gx = null!;
        public float[]? ReluInput;
        public int[] Argmax = null!;
        public int GyOffset, ReluOffset;
        public PoolGeometry G;

        protected override void Run(int r0, int r1) => BackwardRows(Gy, GyOffset, G, Argmax, Gx, ReluInput, ReluOffset, r0, r1);
    }

    private static void BackwardRows(float[] gy, int gyOffset, PoolGeometry g, int[] argmax, float[] gx, float[]? reluInput, int reluOffset, int r0, int r1)
    {
        int w = g.W, ow = g.OW, oh = g.OH;
        // Output rows r0..r1 cover input rows 2*r0..2*r1, contiguous since H is even.
        gx.AsSpan(2 * r0 * w, 2 * (r1 - r0) * w).Clear();
        fixed (float* pg = gy, px = gx, pr = reluInput)
        fixed (int* pa = argmax)
        {
            float* xr = pr == null ? null : pr + reluOffset;
            for (int r = r0; r < r1; r++)
            {
                int i = r % oh;
                float* plane = px + (long)(r - i) * 4 * ow;
                float* go = pg + gyOffset + (long)r * ow;
                int* ao = pa + (long)r * ow;
                if (xr == null)
                    for (int j = 0; j < ow; j++) plane[ao[j]] = go[j];
                else
                {
                    // ReLU's gradient at the winner: it passed only where its input was positive.
                    float* xPlane = xr + (long)(r - i) * 4 * ow;
                    for (int j = 0; j < ow; j++) plane[ao[j]] = xPlane[ao[j]] > 0 ? go[j] : 0f;
                }
            }
        }
    }

    /// <summary>Calls on this thread take the AVX2 path, as on a CPU without AVX-512 (tests of that path).</summary>
    [ThreadStatic] internal static bool ForceAvx2;

    private static readonly Vector512<int> EvenLanes = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> OddLanes = EvenLanes + Vector512<int>.One;

    // max(x, 0) exactly as ReluOp computes it: NaN and -0 become +0.
    private static Vector512<float> Relu(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, Vector512<float>.Zero);

    // Later element b wins over a when strictly greater or NaN (all-ones lanes).
    private static Vector512<float> LaterWins(Vector512<float> a, Vector512<float> b) =>
        Vector512.GreaterThan(b, a) | ~Vector512.Equals(b, b);

    // Lanes [0, n) set: the store mask of a partial block.
    private static readonly Vector512<int> LaneIndex = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

    // 16 outputs at a time; the last, partial block is stored under a lane mask so nothing past the row's
    // outputs is written. Without ao (inference) only the maxima are computed. Returns the outputs done (all).
    private static int ForwardRow512(float* top, float* bot, int w, int ow, float* yo, int* ao, int rowBase, bool relu)
    {
        var wv = Vector512.Create(w);
        for (int j = 0; j < ow; j += 16)
        {
            var t0 = Vector512.Load(top + 2 * j);
            var t1 = Vector512.Load(top + 2 * j + 16);
            var b0 = Vector512.Load(bot + 2 * j);
            var b1 = Vector512.Load(bot + 2 * j + 16);
            if (relu)
            {
                t0 = Relu(t0);
                t1 = Relu(t1);
                b0 = Relu(b0);
                b1 = Relu(b1);
            }
            var tE = Avx512F.PermuteVar16x32x2(t0, EvenLanes, t1);
            var tO = Avx512F.PermuteVar16x32x2(t0, OddLanes, t1);
            var bE = Avx512F.PermuteVar16x32x2(b0, EvenLanes, b1);
            var bO = Avx512F.PermuteVar16x32x2(b0, OddLanes, b1);
            var mT = LaterWins(tE, tO);
            var mB = LaterWins(bE, bO);
            var tv = Vector512.ConditionalSelect(mT, tO, tE);
            var bv = Vector512.ConditionalSelect(mB, bO, bE);
            var mL = LaterWins(tv, bv);
            var yv = Vector512.ConditionalSelect(mL, bv, tv);
            var keep = Vector512.LessThan(LaneIndex, Vector512.Create(ow - j));
            if (j + 16 <= ow) yv.Store(yo + j);
            else Avx512F.MaskStore(yo + j, keep.AsSingle(), yv);
            if (ao == null) continue;
            // Column within the window: 1 where the odd lane won (mask lanes are -1).
            var colT = -mT.AsInt32();
            var colB = wv - mB.AsInt32();
            var iv = Vector512.Create(rowBase + 2 * j) + EvenLanes + Vector512.ConditionalSelect(mL.AsInt32(), colB, colT);
            if (j + 16 <= ow) iv.Store(ao + j);
            else Avx512F.MaskStore(ao + j, keep, iv);
        }
        return ow;
    }

    // Avx.Shuffle picks even (0x88) or odd (0xDD) columns within each 128-bit half, so lanes hold columns
    // 0,2,8,10,4,6,12,14 (+1 for odd) of the 16 loaded; one Permute4x64 (0xD8) of each result puts them in order.
    private static readonly Vector256<int> EvenLanesShuffled = Vector256.Create(0, 2, 8, 10, 4, 6, 12, 14);

    private static Vector256<float> Relu(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, Vector256<float>.Zero);

    private static Vector256<float> LaterWins(Vector256<float> a, Vector256<float> b) =>
        Vector256.GreaterThan(b, a) | ~Vector256.Equals(b, b);

    private static readonly Vector256<int> LaneIndex256 = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);

    // ForwardRow512 in 256 bits for CPUs without AVX-512: 8 outputs at a time; the last, partial block loads its columns
    // and stores its outputs under lane masks (masked-off lanes read as 0 and are never stored). Returns the outputs done (all).
    private static int ForwardRow256(float* top, float* bot, int w, int ow, float* yo, int* ao, int rowBase, bool relu)
    {
        var wv = Vector256.Create(w);
        for (int j = 0; j < ow; j += 8)
        {
            Vector256<float> t0, t1, b0, b1;
            int left = ow - j;
            Vector256<int> keep = default;
            if (left >= 8)
            {
                t0 = Vector256.Load(top + 2 * j);
                t1 = Vector256.Load(top + 2 * j + 8);
                b0 = Vector256.Load(bot + 2 * j);
                b1 = Vector256.Load(bot + 2 * j + 8);
            }
            else
            {
                var lo = Vector256.LessThan(LaneIndex256, Vector256.Create(2 * left)).AsSingle();
                var hi = Vector256.LessThan(LaneIndex256, Vector256.Create(2 * left - 8)).AsSingle();
                t0 = Avx.MaskLoad(top + 2 * j, lo);
                t1 = Avx.MaskLoad(top + 2 * j + 8, hi);
                b0 = Avx.MaskLoad(bot + 2 * j, lo);
                b1 = Avx.MaskLoad(bot + 2 * j + 8, hi);
                keep = Vector256.LessThan(LaneIndex256, Vector256.Create(left));
            }
            if (relu)
            {
                t0 = Relu(t0);
                t1 = Relu(t1);
                b0 = Relu(b0);
                b1 = Relu(b1);
            }
            var tE = Avx.Shuffle(t0, t1, 0x88);
            var tO = Avx.Shuffle(t0, t1, 0xDD);
            var bE = Avx.Shuffle(b0, b1, 0x88);
            var bO = Avx.Shuffle(b0, b1, 0xDD);
            var mT = LaterWins(tE, tO);
            var mB = LaterWins(bE, bO);
            var tv = Vector256.ConditionalSelect(mT, tO, tE);
            var bv = Vector256.ConditionalSelect(mB, bO, bE);
            var mL = LaterWins(tv, bv);
            var yv = Avx2.Permute4x64(Vector256.ConditionalSelect(mL, bv, tv).AsDouble(), 0xD8).AsSingle();
            if (left >= 8) yv.Store(yo + j);
            else Avx.MaskStore(yo + j, keep.AsSingle(), yv);
            if (ao == null) continue;
            var colT = -mT.AsInt32();
            var colB = wv - mB.AsInt32();
            var iv = Vector256.Create(rowBase + 2 * j) + EvenLanesShuffled + Vector256.ConditionalSelect(mL.AsInt32(), colB, colT);
            iv = Avx2.Permute4x64(iv.AsInt64(), 0xD8).AsInt32();
            if (left >= 8) iv.Store(ao + j);
            else Avx2.MaskStore(ao + j, keep, iv);
        }
        return ow;
    }
}
