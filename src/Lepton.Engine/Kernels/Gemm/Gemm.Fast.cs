using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

public static partial class Gemm
{
    // Below this many multiply-adds a hand-off to a second thread costs more than it saves; a call is split only
    // from 2x this (4.2M, about 40 µs on one core). Waking a worker costs tens of µs on a VM, more when the other
    // core is busy: at 1 << 18 the batch-1 reference CNN (conv2: 3.6M) split and ran at p50 0.51-0.58 ms on 2
    // threads against 0.34-0.42 ms unsplit (bench infer-latency, 2026-11-22).
    private const long ParallelMinMacs = 1L << 21;

    // A packed weight from this size on is split across threads even for one row (see Split).
    private const long SingleRowSplitBytes = 512 * 1024;

    /// <summary>Forces one micro-kernel for SGEMM calls made on the current thread (tests, benchmarks).</summary>
    [ThreadStatic] internal static GemmKernelKind KernelOverride;

    /// <summary>The micro-kernel SGEMM uses on this CPU when nothing is forced.</summary>
    public static GemmKernelKind DefaultKernel { get; } =
        IsSupported(GemmKernelKind.Avx512) ? GemmKernelKind.Avx512
        : IsSupported(GemmKernelKind.Avx2) ? GemmKernelKind.Avx2
        : GemmKernelKind.Scalar;

    /// <summary>Whether the given micro-kernel can run on this CPU.</summary>
    public static bool IsSupported(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        GemmKernelKind.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <summary>
    /// Single-precision GEMM on arrays with offsets; see the class summary for the layout. Packed,
    /// cache-blocked and register-blocked, split across <see cref="CpuParallel.ThreadCount"/> threads.
    /// beta == 0 overwrites C without reading it (NaN there does not leak into the result).
    /// </summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) =>
        Sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, splitAlways: false);

    /// <summary>
    /// <see cref="Sgemm(bool, bool, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int)"/>;
    /// with <paramref name="splitAlways"/> it is split across the threads whatever its size (for a caller that measured the
    /// split to pay below <see cref="ParallelMinMacs"/>, with workers woken by a forward's prewake). Same bits either way.
    /// </summary>
    internal static unsafe void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc, bool splitAlways)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        CheckOperand("C", c, cOffset, ldc, m, n, "ldc");
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0)
        {
            ScaleC(c, cOffset, ldc, m, n, beta);
            return;
        }
        CheckOperand("A", a, aOffset, lda, transA ? k : m, transA ? m : k, "lda");
        CheckOperand("B", b, bOffset, ldb, transB ? n : k, transB ? k : n, "ldb");

        var kind = KernelOverride == GemmKernelKind.Auto ? DefaultKernel : KernelOverride;
        if (!IsSupported(kind))
            throw new PlatformNotSupportedException($"Sgemm: the {kind} micro-kernel does not run on this CPU; use {DefaultKernel}.");
        var job = new SgemmJob(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        switch (kind)
        {
            case GemmKernelKind.Avx512: Split<Avx512GemmKernel>(job, splitAlways); break;
            case GemmKernelKind.Avx2: Split<Avx2GemmKernel>(job, splitAlways); break;
            default: Split<ScalarGemmKernel>(job, splitAlways); break;
        }
    }

    private readonly record struct SgemmJob(bool TransA, bool TransB, int M, int N, int K, float Alpha,
        float[] A, int AOffset, int Lda, float[] B, int BOffset, int Ldb, float Beta, float[] C, int COffset, int Ldc)
    {
        /// <summary>B already packed (then B is its data): the blocks are read in place instead of packed per call.</summary>
        public PackedGemmB? Packed { get; init; }
    }

    // Cuts C into one slab per thread along N (each thread packs all of A) or along M (each packs
    // all of B), whichever repeats less packing; slab edges fall on whole register tiles.
    private static void Split<TK>(SgemmJob job, bool splitAlways = false) where TK : IGemmMicroKernel
    {
        long macs = (long)job.M * job.N * job.K;
        // Inside one part of a split loop (a convolution's chunk of samples) the other threads are busy with theirs.
        int threads = CpuParallel.InSplitBody ? 1 : CpuParallel.ThreadCount;
        int tilesN = (job.N + TK.NR - 1) / TK.NR, tilesM = (job.M + TK.MR - 1) / TK.MR;
        bool byN = (job.M <= job.N && tilesN > 1) || tilesM == 1;
        int tiles = byN ? tilesN : tilesM;
        int parts = (int)Math.Min(Math.Min(threads, tiles), Math.Max(1, macs / ParallelMinMacs));
        // One row against a large packed weight (a Linear layer at batch 1) is bound by reading the weight: split by
        // columns, each thread reads its share of it (fc1, 1.6 MB: 19 µs on one core, 9-10 µs on two).
        bool readBound = job.M == 1 && job.Packed is { } packed && packed.Bytes >= SingleRowSplitBytes && byN;
        if (readBound || splitAlways) parts = Math.Min(threads, tiles);
        if (parts <= 1)
        {
            RunSlab<TK>(job, 0, job.M, 0, job.N);
            return;
        }
        SplitAcrossThreads<TK>(job, byN, tiles, parts, readBound || splitAlways);
    }

    // One slab per part, handed to the workers through a per-thread job reused call after call (no closure per call).
    private static void SplitAcrossThreads<TK>(SgemmJob job, bool byN, int tiles, int parts, bool always) where TK : IGemmMicroKernel
    {
        long macs = (long)job.M * job.N * job.K;
        var slabs = SlabJob<TK>.Current ??= new SlabJob<TK>();
        (slabs.Job, slabs.ByN, slabs.Tiles, slabs.Parts) = (job, byN, tiles, parts);
        try
        {
            if (always) CpuParallel.Split(parts, slabs.Body);
            else CpuParallel.For(parts, macs / parts + 32_768, slabs.Body);
        }
        finally
        {
            slabs.Job = default; // drop the operand arrays
        }
    }

    private sealed class SlabJob<TK> : SplitJob where TK : IGemmMicroKernel
    {
        [ThreadStatic] public static SlabJob<TK>? Current;
        public SgemmJob Job;
        public bool ByN;
        public int Tiles, Parts;

        protected override void Run(int first, int last)
        {
            int unit = ByN ? TK.NR : TK.MR, extent = ByN ? Job.N : Job.M;
            for (int part = first; part < last; part++)
            {
                int start = (int)((long)Tiles * part / Parts) * unit;
                int end = Math.Min(extent, (int)((long)Tiles * (part + 1) / Parts) * unit);
                if (ByN) RunSlab<TK>(Job, 0, Job.M, start, end);
                else RunSlab<TK>(Job, start, end, 0, Job.N);
            }
        }
    }

    private static unsafe void RunSlab<TK>(in SgemmJob job, int m0, int m1, int n0, int n1) where TK : IGemmMicroKernel
    {
        fixed (float* pa = job.A, pb = job.B, pc = job.C)
        {
            var g = new SgemmOperands(job.TransA, job.TransB, job.K, job.Alpha, job.Beta,
                pa + job.AOffset, job.Lda, pb + job.BOffset, job.Ldb, pc + job.COffset, job.Ldc);
            Blocked<TK>(g, m0, m1, n0, n1, job.Packed is null ? null : pb, job.Packed?.PaddedN ?? 0);
        }
    }

    // C = beta * C, with beta == 0 writing zeros (BLAS: no product to add when k == 0 or alpha == 0).
    private static void ScaleC(float[] c, int cOffset, int ldc, int m, int n, float beta)
    {
        for (int i = 0; i < m; i++)
        {
            var row = c.AsSpan(cOffset + i * ldc, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) for (int j = 0; j < n; j++) row[j] *= beta;
        }
    }

    // The kernels read through raw pointers, so every operand's extent is checked up front.
    private static void CheckOperand(string name, float[] x, int offset, int ld, int rows, int cols, string ldName)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (rows == 0 || cols == 0) return;
        if (ld < cols)
            throw new ArgumentException($"Sgemm: {name} is stored {rows}x{cols} but {ldName}={ld} is smaller than its row width {cols}; pass {ldName} >= {cols}.");
        long need = (long)offset + (long)(rows - 1) * ld + cols;
        if (offset < 0 || need > x.Length)
            throw new ArgumentException($"Sgemm: {name} stored {rows}x{cols} with {ldName}={ld} at offset {offset} needs {need} elements, but the array holds {x.Length}.");
    }
}
