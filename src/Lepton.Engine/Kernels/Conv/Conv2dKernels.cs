using System.Buffers;
using System.Numerics;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// Fast 2-D convolution: im2col over a chunk of samples, then one GEMM per group over the whole
/// chunk (a few large GEMMs instead of many small ones); threads take whole chunks. All buffers are dense row-major.
/// </summary>
internal static class Conv2dKernels
{
    /// <summary>Bound on the im2col buffer (elements); big batches are processed in chunks of samples. Tests lower it to exercise chunking.</summary>
    /// <remarks>
    /// 1M elements (4 MiB): chunks this size stay in cache between im2col and the GEMM's packing; the
    /// whole-batch 32 MiB bound made the reference CNN's conv2 forward+backward ~20% slower (bench ops).
    /// </remarks>
    internal static long MaxColElements { get; set; } = 1L << 20;

    // Chunks of samples are the unit of parallel work: each thread takes whole chunks (im2col, GEMMs, col2im
    // on its own core and cache, one hand-off per call instead of one per kernel). A batch is cut into at
    // least this many chunks, fixed by N and never by the thread count, so the weight gradient sums the
    // same partials in the same order on any number of threads.
    private const int MinChunks = 8;

    internal static int SamplesPerChunk(ConvGeometry g)
    {
        long perSample = (long)g.C * g.KH * g.KW * g.OH * g.OW;
        int byMemory = (int)Math.Clamp(MaxColElements / Math.Max(perSample, 1), 1, Math.Max(g.N, 1));
        return Math.Min(byMemory, Math.Max(1, (g.N + MinChunks - 1) / MinChunks));
    }

    // GEMMs per sample write y and read gy in place (no transpose copies) but are narrower (N = OH*OW
    // instead of chunk*OH*OW): they win for large feature maps (28x28: conv1 fwd+bwd 4.4 -> 3.9 ms,
    // 1 thread) and lose for small ones (14x14 with 288-deep columns: conv2 21.4 -> 25.2 ms).
    private static bool PerSample(ConvGeometry g, int chunk) => chunk == 1 || g.OH * g.OW >= 512;

    // Cost of one chunk in CpuParallel's units: multiply-adds / 16, so a convolution splits from the
    // same 4.2M multiply-adds as a GEMM (Gemm.ParallelMinMacs).
    internal static long ChunkCost(ConvGeometry g, int chunk) => Math.Max(1, (long)chunk * g.O * g.GroupK * g.OH * g.OW / 16);

    /// <summary>
    /// w in the form the float forward of g reads it (Winograd's transformed weights or the stride-1 panels), to pass to
    /// <see cref="Forward{T}"/> with an unchanged w; null where neither path runs. Which form depends on g and on the thread's
    /// path switches and, for Winograd, on the output size (F(2x2) or F(4x4)), so a cache keys it by
    /// <see cref="ConvWinograd.ForwardTile"/> as well.
    /// </summary>
    public static float[]? PackWeights(float[] w, int wOffset, ConvGeometry g) =>
        ConvDepthwise.Applies(g) ? null
        : ConvWinograd.AppliesForward(g) ? ConvWinograd.PackWeights(w, wOffset, g)
        : ConvStride1.Applies(g) ? ConvStride1.PackWeights(w, wOffset, g)
        : null;

    /// <summary>
    /// y (N,O,OH,OW) = conv(x (N,C,H,W), w (O,Cg,KH,KW)) + bias (O). <paramref name="packedWeights"/>, when given, is
    /// <see cref="PackWeights"/> of w (a read-only weight packed once) and is used where the stride-1 path runs. With
    /// <paramref name="relu"/>, y = ReLU(conv + bias), each part of y rectified while it is still in cache (inference).
    /// </summary>
    public static void Forward<T>(T[] x, int xOffset, T[] w, int wOffset, T[]? bias, int biasOffset, ConvGeometry g, T[] y,
        float[]? packedWeights = null, bool relu = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && ConvDepthwise.Applies(g))
        {
            ConvDepthwise.Forward((float[])(object)x, xOffset, (float[])(object)w, wOffset, (float[]?)(object?)bias, biasOffset, g, (float[])(object)y,
                relu);
            return;
        }
        if (typeof(T) == typeof(float) && ConvStride1.Applies(g))
        {
            ConvStride1.Forward((float[])(object)x, xOffset, (float[])(object)w, wOffset, (float[]?)(object?)bias, biasOffset, g, (float[])(object)y,
                packedWeights, relu);
            return;
        }
        ForwardIm2Col(x, xOffset, w, wOffset, bias, biasOffset, g, y, relu);
    }

    // The chunk loop of an im2col forward: chunks of samples split into parts, one set of scratch buffers per part.
    private static void ForwardIm2Col<T>(T[] x, int xOffset, T[] w, int wOffset, T[]? bias, int biasOffset, ConvGeometry g, T[] y, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (OneSampleSplits<T>(g))
        {
            ForwardOneSample((float[])(object)x, xOffset, (float[])(object)w, wOffset, (float[]?)(object?)bias, biasOffset, g, (float[])(object)y);
            if (relu) ReluInPlace.Apply(y.AsSpan(0, g.O * g.OH * g.OW));
            return;
        }
        int ohw = g.OH * g.OW;
        int chunk = SamplesPerChunk(g), chunks = (g.N + chunk - 1) / chunk;
        bool perSample = PerSample(g, chunk);
        // Scratch comes from a pool (these buffers are large and needed on every step), one set per part.
        int parts = Math.Min(CpuParallel.ThreadCount, chunks);
        var job = ForwardChunks<T>.Current ??= new ForwardChunks<T>();
        (job.X, job.XOffset, job.W, job.WOffset, job.Bias, job.BiasOffset, job.G, job.Y, job.Chunk, job.Chunks, job.Parts, job.Relu) =
            (x, xOffset, w, wOffset, bias, biasOffset, g, y, chunk, chunks, parts, relu);
        job.Cols = RentSlots(job.Cols, parts, g.C * g.KH * g.KW * chunk * ohw);
        job.Tmps = perSample ? null : RentSlots(job.TmpSlots, parts, g.O * chunk * ohw);
        if (job.Tmps is not null) job.TmpSlots = job.Tmps;
        try
        {
            CpuParallel.For(parts, ChunkCost(g, chunk) * chunks / parts, job.Body);
        }
        finally
        {
            ReturnSlots(job.Cols);
            ReturnSlots(job.Tmps);
            (job.X, job.W, job.Bias, job.Y) = (null!, null!, null, null!);
        }
    }

    // One sample (a served request) is one chunk, so a chunk loop runs it on one thread, and its GEMM (a strided 3x3 layer
    // of a ResNet: 3.6M multiply-adds, 118 µs on one core) is below Gemm's split size. From this size a convolution of one
    // sample is split across the threads anyway (a forward prewakes them); each kernel splits so that every output is the
    // same sum, so the same bits.
    private const long OneSampleSplitMacs = 1L << 20;

    /// <summary>Whether a convolution of g, one sample with enough multiply-adds, is worth splitting across idle threads.</summary>
    internal static bool OneSampleWorthSplitting(ConvGeometry g) =>
        g.N == 1 && CpuParallel.ThreadCount > 1 && !CpuParallel.InSplitBody && (long)g.O * g.GroupK * g.OH * g.OW >= OneSampleSplitMacs;

    /// <summary>Whether one sample's im2col GEMM is split across threads (benchmarks turn it off to compare).</summary>
    internal static bool SplitOneSample { get; set; } = true;

    private static bool OneSampleSplits<T>(ConvGeometry g) =>
        typeof(T) == typeof(float) && SplitOneSample && g.Groups == 1 && OneSampleWorthSplitting(g);

    private static void ForwardOneSample(float[] x, int xOffset, float[] w, int wOffset, float[]? bias, int biasOffset, ConvGeometry g, float[] y)
    {
        int ohw = g.OH * g.OW;
        var col = ArrayPool<float>.Shared.Rent(g.GroupK * ohw);
        try
        {
            Im2Col.Unfold(x, xOffset, g, 0, 1, col);
            Gemm.Sgemm(false, false, g.O, ohw, g.GroupK, 1f, w, wOffset, g.GroupK, col, 0, ohw, 0f, y, 0, ohw, splitAlways: true);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(col);
        }
        if (bias is null) return;
        for (int o = 0; o < g.O; o++)
        {
            var row = y.AsSpan(o * ohw, ohw);
            VectorMath.AddScalar<float>(row, bias[biasOffset + o], row);
        }
    }

    // ForwardIm2Col's loop over parts with the call's arguments in fields: one per thread and element type, reused call
    // after call, so a training step allocates no closure or slot array here.
    private sealed class ForwardChunks<T> : SplitJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] public static ForwardChunks<T>? Current;
        public T[] X = null!, W = null!, Y = null!;
        public T[]? Bias;
        public T[][] Cols = [], TmpSlots = [];
        public T[][]? Tmps;
        public int XOffset, WOffset, BiasOffset, Chunk, Chunks, Parts;
        public ConvGeometry G;
        public bool Relu;

        protected override void Run(int p0, int p1)
        {
            for (int part = p0; part < p1; part++)
            for (int c = Chunks * part / Parts; c < Chunks * (part + 1) / Parts; c++)
            {
                int n0 = c * Chunk, nb = Math.Min(Chunk, G.N - n0);
                if (Tmps is null) ForwardPerSample(X, XOffset, W, WOffset, Bias, BiasOffset, G, Y, n0, nb, Cols[part]);
                else ForwardBatched(X, XOffset, W, WOffset, Bias, BiasOffset, G, Y, n0, nb, Cols[part], Tmps[part]);
                if (Relu) ReluInPlace.Apply(Y.AsSpan(n0 * G.O * G.OH * G.OW, nb * G.O * G.OH * G.OW));
            }
        }
    }

    // One pooled buffer of `size` per part, in `slots` when it has `parts` places (else a new array of them): rented on
    // the calling thread, whose pool cache hands the same buffers back every call.
    private static T[][] RentSlots<T>(T[][] slots, int parts, int size)
    {
        if (slots.Length != parts) slots = new T[parts][];
        for (int i = 0; i < parts; i++) slots[i] = ArrayPool<T>.Shared.Rent(size);
        return slots;
    }

    private static void ReturnSlots<T>(T[][]? buffers)
    {
        if (buffers is null) return;
        for (int i = 0; i < buffers.Length; i++)
        {
            if (buffers[i] is null) continue;
            ArrayPool<T>.Shared.Return(buffers[i]);
            buffers[i] = null!;
        }
    }

    // One GEMM per sample and group writes straight into y (N,O,OH*OW): the columns of one sample are
    // a contiguous block of col's rows (ldb = len), so no (O,N,HW) → (N,O,HW) transpose is needed, and
    // the bias is added while that sample's output is still in cache.
    private static void ForwardPerSample<T>(T[] x, int xOffset, T[] w, int wOffset, T[]? bias, int biasOffset, ConvGeometry g, T[] y,
        int n0, int nb, T[] col) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ohw = g.OH * g.OW, gk = g.GroupK, og = g.Og, len = nb * ohw;
        Im2Col.Unfold(x, xOffset, g, n0, nb, col);
        for (int n = 0; n < nb; n++)
        {
            int yOff = (n0 + n) * g.O * ohw;
            for (int gi = 0; gi < g.Groups; gi++)
                GemmT(false, false, og, ohw, gk, w, wOffset + gi * og * gk, gk, col, gi * gk * len + n * ohw, len,
                    T.Zero, y, yOff + gi * og * ohw, ohw);
            if (bias is null) continue;
            for (int o = 0; o < g.O; o++)
            {
                var row = y.AsSpan(yOff + o * ohw, ohw);
                VectorMath.AddScalar<T>(row, bias[biasOffset + o], row);
            }
        }
    }

    /// <summary>
    /// Gradients of a convolution from gy (N,O,OH,OW): gx (zeroed, (N,C,H,W)), gw (O,Cg,KH,KW) and
    /// gb (O); pass null for any that is not wanted.
    /// </summary>
    public static void Backward<T>(T[] x, int xOffset, T[] w, int wOffset, T[] gy, ConvGeometry g, T[]? gx, T[]? gw, T[]? gb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && ConvDepthwise.Applies(g))
        {
            ConvDepthwise.Backward((float[])(object)x, xOffset, (float[])(object)w, wOffset, (float[])(object)gy, g,
                (float[]?)(object?)gx, (float[]?)(object?)gw, (float[]?)(object?)gb);
            return;
        }
        if (typeof(T) == typeof(float) && (gx is not null || gw is not null) && ConvStride1.Applies(g))
        {
            // The weight gradient's pass over gy sums the bias gradient too; without it the bias takes its own pass.
            ConvStride1.Backward((float[])(object)x, xOffset, (float[])(object)w, wOffset, (float[])(object)gy, g,
                (float[]?)(object?)gx, (float[]?)(object?)gw, gw is null ? null : (float[]?)(object?)gb);
            if (gw is null && gb is not null) BiasGradient(gy, g, gb);
            return;
        }
        if (gb is not null) BiasGradient(gy, g, gb);
        if (gx is null && gw is null) return;
        BackwardIm2Col(x, xOffset, w, wOffset, gy, g, gx, gw);
    }

    // The chunk loop of an im2col backward, as ForwardIm2Col's; each chunk's weight gradient goes to its own slice, the
    // slices summed in chunk order.
    private static void BackwardIm2Col<T>(T[] x, int xOffset, T[] w, int wOffset, T[] gy, ConvGeometry g, T[]? gx, T[]? gw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ohw = g.OH * g.OW, wSize = g.O * g.GroupK;
        int chunk = SamplesPerChunk(g), chunks = (g.N + chunk - 1) / chunk;
        bool perSample = PerSample(g, chunk);
        var partials = gw is null || chunks == 1 ? null : ArrayPool<T>.Shared.Rent(chunks * wSize);
        int parts = Math.Min(CpuParallel.ThreadCount, chunks);
        var job = BackwardChunks<T>.Current ??= new BackwardChunks<T>();
        (job.X, job.XOffset, job.W, job.WOffset, job.Gy, job.G, job.Gx, job.Gw, job.Partials, job.WSize, job.Chunk, job.Chunks, job.Parts) =
            (x, xOffset, w, wOffset, gy, g, gx, gw, partials, wSize, chunk, chunks, parts);
        job.Cols = RentSlots(job.Cols, parts, g.C * g.KH * g.KW * chunk * ohw);
        job.GyTs = perSample ? null : RentSlots(job.GyTSlots, parts, g.O * chunk * ohw);
        if (job.GyTs is not null) job.GyTSlots = job.GyTs;
        try
        {
            CpuParallel.For(parts, 2 * ChunkCost(g, chunk) * chunks / parts, job.Body);
            if (partials is null) return;
            partials.AsSpan(0, wSize).CopyTo(gw);
            for (int c = 1; c < chunks; c++) VectorMath.AddTo<T>(partials.AsSpan(c * wSize, wSize), gw);
        }
        finally
        {
            if (partials is not null) ArrayPool<T>.Shared.Return(partials);
            ReturnSlots(job.Cols);
            ReturnSlots(job.GyTs);
            (job.X, job.W, job.Gy, job.Gx, job.Gw, job.Partials) = (null!, null!, null!, null, null, null);
        }
    }

    // BackwardIm2Col's loop over parts, as ForwardChunks is ForwardIm2Col's.
    private sealed class BackwardChunks<T> : SplitJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] public static BackwardChunks<T>? Current;
        public T[] X = null!, W = null!, Gy = null!;
        public T[]? Gx, Gw, Partials;
        public T[][] Cols = [], GyTSlots = [];
        public T[][]? GyTs;
        public int XOffset, WOffset, WSize, Chunk, Chunks, Parts;
        public ConvGeometry G;

        protected override void Run(int p0, int p1)
        {
            for (int part = p0; part < p1; part++)
            for (int c = Chunks * part / Parts; c < Chunks * (part + 1) / Parts; c++)
            {
                int n0 = c * Chunk, nb = Math.Min(Chunk, G.N - n0);
                var gwc = new GradSlice<T>(Partials ?? Gw, Partials is null ? 0 : c * WSize);
                if (GyTs is null) BackwardPerSample(X, XOffset, W, WOffset, Gy, G, Gx, gwc, n0, nb, Cols[part]);
                else BackwardBatched(X, XOffset, W, WOffset, Gy, G, Gx, gwc, n0, nb, Cols[part], GyTs[part]);
            }
        }
    }

    // Where one chunk's weight gradient goes: null when it is not wanted.
    private readonly record struct GradSlice<T>(T[]? Array, int Offset);

    // Per sample and group, reading gy (N,O,OH*OW) in place (no transpose into (O,N,HW)).
    private static void BackwardPerSample<T>(T[] x, int xOffset, T[] w, int wOffset, T[] gy, ConvGeometry g, T[]? gx, GradSlice<T> gw,
        int n0, int nb, T[] col) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ohw = g.OH * g.OW, gk = g.GroupK, og = g.Og, len = nb * ohw;
        if (gw.Array is not null)
        {
            Im2Col.Unfold(x, xOffset, g, n0, nb, col);
            // gw_g (Og, GK) += gy_ng (Og, OH*OW) · col_ngᵀ (OH*OW, GK)
            for (int n = 0; n < nb; n++)
            for (int gi = 0; gi < g.Groups; gi++)
                GemmT(false, true, og, gk, ohw, gy, ((n0 + n) * g.O + gi * og) * ohw, ohw, col, gi * gk * len + n * ohw, len,
                    n == 0 ? T.Zero : T.One, gw.Array, gw.Offset + gi * og * gk, gk);
        }
        if (gx is not null)
        {
            // dcol_ng (GK, OH*OW) = w_gᵀ (GK, Og) · gy_ng (Og, OH*OW), then folded back onto gx.
            for (int n = 0; n < nb; n++)
            for (int gi = 0; gi < g.Groups; gi++)
                GemmT(true, false, gk, ohw, og, w, wOffset + gi * og * gk, gk, gy, ((n0 + n) * g.O + gi * og) * ohw, ohw,
                    T.Zero, col, gi * gk * len + n * ohw, len);
            Im2Col.Fold(col, g, n0, nb, gx, 0);
        }
    }

    private static void ForwardBatched<T>(T[] x, int xOffset, T[] w, int wOffset, T[]? bias, int biasOffset, ConvGeometry g, T[] y,
        int n0, int nb, T[] col, T[] tmp) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ohw = g.OH * g.OW, gk = g.GroupK, og = g.Og, len = nb * ohw;
        Im2Col.Unfold(x, xOffset, g, n0, nb, col);
        // With one sample in the chunk the GEMM result (O, OH*OW) already is that sample's output.
        bool direct = nb == 1;
        var dst = direct ? y : tmp;
        int dstOff = direct ? n0 * g.O * ohw : 0;
        for (int gi = 0; gi < g.Groups; gi++)
            GemmT(false, false, og, len, gk, w, wOffset + gi * og * gk, gk, col, gi * gk * len, len,
                T.Zero, dst, dstOff + gi * og * len, len);
        // (O, nb, OH*OW) → (n0+n, O, OH*OW), adding the bias.
        CpuParallel.For(nb * g.O, ohw, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                int n = p / g.O, o = p % g.O;
                var to = y.AsSpan(((n0 + n) * g.O + o) * ohw, ohw);
                var from = direct ? to : tmp.AsSpan((o * nb + n) * ohw, ohw);
                if (bias is not null) VectorMath.AddScalar<T>(from, bias[biasOffset + o], to);
                else if (!direct) from.CopyTo(to);
            }
        });
    }

    private static void BackwardBatched<T>(T[] x, int xOffset, T[] w, int wOffset, T[] gy, ConvGeometry g, T[]? gx, GradSlice<T> gw,
        int n0, int nb, T[] col, T[] gyT) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ohw = g.OH * g.OW, gk = g.GroupK, og = g.Og, len = nb * ohw;
        // gy (n0+n, O, OH*OW) → (O, nb, OH*OW); a single sample is already in that layout.
        bool direct = nb == 1;
        var gyc = direct ? gy : gyT;
        int gyOff = direct ? n0 * g.O * ohw : 0;
        if (!direct)
        {
            CpuParallel.For(nb * g.O, ohw, (p0, p1) =>
            {
                for (int p = p0; p < p1; p++)
                {
                    int n = p / g.O, o = p % g.O;
                    gy.AsSpan(((n0 + n) * g.O + o) * ohw, ohw).CopyTo(gyT.AsSpan((o * nb + n) * ohw, ohw));
                }
            });
        }
        if (gw.Array is not null)
        {
            Im2Col.Unfold(x, xOffset, g, n0, nb, col);
            // gw_g (Og, GK) = gy_g (Og, len) · col_gᵀ (len, GK)
            for (int gi = 0; gi < g.Groups; gi++)
                GemmT(false, true, og, gk, len, gyc, gyOff + gi * og * len, len, col, gi * gk * len, len,
                    T.Zero, gw.Array, gw.Offset + gi * og * gk, gk);
        }
        if (gx is not null)
        {
            // dcol_g (GK, len) = w_gᵀ (GK, Og) · gy_g (Og, len), then folded back onto gx.
            for (int gi = 0; gi < g.Groups; gi++)
                GemmT(true, false, gk, len, og, w, wOffset + gi * og * gk, gk, gyc, gyOff + gi * og * len, len,
                    T.Zero, col, gi * gk * len, len);
            Im2Col.Fold(col, g, n0, nb, gx, 0);
        }
    }

    internal static void BiasGradient<T>(T[] gy, ConvGeometry g, T[] gb) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var job = BiasJob<T>.Current ??= new BiasJob<T>();
        (job.Gy, job.G, job.Gb) = (gy, g, gb);
        try
        {
            CpuParallel.For(g.O, (long)g.N * g.OH * g.OW, job.Body);
        }
        finally
        {
            (job.Gy, job.Gb) = (null!, null!);
        }
    }

    // gb[o] = Σ_n Σ_q gy[n, o, q] for the channels [o0, o1); one per thread and type, reused call after call.
    private sealed class BiasJob<T> : SplitJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] public static BiasJob<T>? Current;
        public T[] Gy = null!, Gb = null!;
        public ConvGeometry G;

        protected override void Run(int o0, int o1)
        {
            int ohw = G.OH * G.OW;
            for (int o = o0; o < o1; o++)
            {
                T s = T.Zero;
                for (int n = 0; n < G.N; n++) s += VectorMath.Sum<T>(Gy.AsSpan((n * G.O + o) * ohw, ohw));
                Gb[o] = s;
            }
        }
    }

    // The GEMM seam for any float type (alpha = 1).
    private static void GemmT<T>(bool transA, bool transB, int m, int n, int k, T[] a, int aOff, int lda,
        T[] b, int bOff, int ldb, T beta, T[] c, int cOff, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0) return;
        if (typeof(T) == typeof(float))
            Gemm.Sgemm(transA, transB, m, n, k, 1f, (float[])(object)a, aOff, lda, (float[])(object)b, bOff, ldb,
                float.CreateTruncating(beta), (float[])(object)c, cOff, ldc);
        else if (typeof(T) == typeof(double))
            Gemm.Dgemm(transA, transB, m, n, k, 1.0, (double[])(object)a, aOff, lda, (double[])(object)b, bOff, ldb,
                double.CreateTruncating(beta), (double[])(object)c, cOff, ldc);
        else throw new NotSupportedException($"Conv2d supports float and double, not {typeof(T).Name}.");
    }
}
