using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels.Quantized;

/// <summary>
/// y = dequantize(A W^T): unsigned 7-bit activations A (rows, K) times signed int8 weights W (O, K) into int32, then the
/// <see cref="Int8Epilogue"/> to float. AVX-512 BW multiplies byte pairs (<c>vpmaddubsw</c>), widens pairs of pairs to int32
/// (<c>vpmaddwd</c> with ones) and adds: a 4-row x 64-channel tile per step; AVX2 does the same in 256 bits, a 2-row x
/// 32-channel tile (Int8Gemm.Avx2.cs). <see cref="Int8GemmReference"/> is their twin.
/// </summary>
public static unsafe partial class Int8Gemm
{
    private const int MR = 4;

    /// <summary>
    /// A is row-major with <paramref name="lda"/> bytes per row (at least <see cref="Int8Weights.KPadded"/>; codes past K
    /// meet zero weights). y is row-major (rows, O) with row stride <paramref name="ldy"/>, or with
    /// <paramref name="channelMajor"/> (O, rows) with channel stride <paramref name="ldy"/> (a convolution's NCHW plane).
    /// </summary>
    public static void Run(ReadOnlySpan<byte> a, int rows, int lda, Int8Weights w, in Int8Epilogue e, Span<float> y, int ldy, bool channelMajor)
    {
        Int8GemmReference.Check(a.Length, rows, lda, w, e, y.Length, ldy, channelMajor);
        fixed (byte* pa = a)
        fixed (float* py = y)
            RunUnchecked(pa, rows, lda, w, e, py, ldy, channelMajor, InstructionSet);
    }

    /// <summary>Calls made on the current thread run the scalar reference, as on a CPU without AVX2 (tests of that fallback).</summary>
    [ThreadStatic] internal static bool ForceReference;

    /// <summary>Calls made on the current thread run the AVX2 kernels, as on a CPU without AVX-512 BW (tests of that path).</summary>
    [ThreadStatic] internal static bool ForceAvx2;

    /// <summary>The int8 kernels calls on this thread take: <see cref="Int8Kernels.Available"/> unless a test forces a lower set.</summary>
    internal static Int8InstructionSet InstructionSet =>
        ForceReference ? Int8InstructionSet.Reference
        : ForceAvx2 && Avx2.IsSupported ? Int8InstructionSet.Avx2
        : Int8Kernels.Available;

    internal static void RunUnchecked(byte* a, int rows, int lda, Int8Weights w, in Int8Epilogue e, float* y, int ldy, bool channelMajor,
        Int8InstructionSet isa)
    {
        if (rows == 0) return;
        if (isa == Int8InstructionSet.Avx2 && Avx2.IsSupported)
        {
            RunAvx2(a, rows, lda, w, e, y, ldy, channelMajor);
            return;
        }
        if (isa != Int8InstructionSet.Avx512 || !Avx512BW.IsSupported)
        {
            Int8GemmReference.RunUnchecked(a, rows, lda, w, e, y, ldy, channelMajor);
            return;
        }
        int op = w.OutPadded;
        int* zpSums = stackalloc int[op];
        float* scale = stackalloc float[op];
        float* bias = stackalloc float[op];
        EpilogueTerms(w, e, zpSums, scale, bias);
        int groups = w.KPadded / 4;
        int* acc = stackalloc int[MR * Int8Weights.Block];
        float* tile = stackalloc float[MR * Int8Weights.Block];
        fixed (sbyte* packed = w.Packed)
        {
            for (int r0 = 0; r0 < rows; r0 += MR)
            {
                int mr = Math.Min(MR, rows - r0);
                byte* a0 = a + (long)r0 * lda;
                // A short last tile reads its first row again in the missing rows' place and stores only the real ones.
                byte* a1 = mr > 1 ? a0 + lda : a0;
                byte* a2 = mr > 2 ? a0 + 2L * lda : a0;
                byte* a3 = mr > 3 ? a0 + 3L * lda : a0;
                for (int ob = 0; ob < op; ob += Int8Weights.Block)
                {
                    // One row (a served example, or a batch's last row) on its own: four copies of it cost 4x the reading.
                    if (mr == 1) Tile1x64(a0, packed + (long)ob * w.KPadded, groups, acc);
                    else Tile4x64(a0, a1, a2, a3, packed + (long)ob * w.KPadded, groups, acc);
                    int oCount = Math.Min(Int8Weights.Block, w.OutFeatures - ob);
                    Dequantize(acc, mr, zpSums + ob, scale + ob, bias + ob, e.Relu, tile);
                    StoreTile(tile, mr, r0, ob, oCount, y, ldy, channelMajor);
                }
            }
        }
    }

    // Per-channel terms of the epilogue, padded to whole blocks (zeros past O; those lanes are never stored).
    private static void EpilogueTerms(Int8Weights w, in Int8Epilogue e, int* zpSums, float* scale, float* bias)
    {
        for (int o = 0; o < w.OutPadded; o++)
        {
            bool real = o < w.OutFeatures;
            zpSums[o] = real ? e.InputZeroPoint * w.Sums[o] : 0;
            scale[o] = real ? e.InputScale * w.Scales[o] : 0f;
            bias[o] = real && e.Bias is not null ? e.Bias[o] : 0f;
        }
    }

    // tile (mr, Block) floats → y rows r0.. and channels ob..ob+oCount, row-major or channel-major.
    private static void StoreTile(float* tile, int mr, int r0, int ob, int oCount, float* y, int ldy, bool channelMajor)
    {
        if (channelMajor)
        {
            for (int o = 0; o < oCount; o++)
            {
                float* dst = y + (long)(ob + o) * ldy + r0;
                for (int r = 0; r < mr; r++) dst[r] = tile[r * Int8Weights.Block + o];
            }
        }
        else
        {
            for (int r = 0; r < mr; r++)
                new ReadOnlySpan<float>(tile + r * Int8Weights.Block, oCount).CopyTo(new Span<float>(y + (long)(r0 + r) * ldy + ob, oCount));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dequantize(int* acc, int mr, int* zpSums, float* scale, float* bias, bool relu, float* tile)
    {
        var zero = Vector512<float>.Zero;
        for (int r = 0; r < mr; r++)
            for (int v = 0; v < Int8Weights.Block; v += 16)
            {
                var s = Avx512F.Subtract(Avx512F.LoadVector512(acc + r * Int8Weights.Block + v), Avx512F.LoadVector512(zpSums + v));
                var f = Avx512F.Add(Avx512F.Multiply(Avx512F.ConvertToVector512Single(s), Avx512F.LoadVector512(scale + v)), Avx512F.LoadVector512(bias + v));
                if (relu) f = Avx512F.Max(f, zero);
                Avx512F.Store(tile + r * Int8Weights.Block + v, f);
            }
    }

    // acc (1,64) = row a0 (K bytes) times one packed block of 64 channels: Tile4x64's first row, the same integer sums.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x64(byte* a0, sbyte* w, int groups, int* acc)
    {
        var ones = Vector512.Create((short)1);
        Vector512<int> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int g = 0; g < groups; g++, w += 4 * Int8Weights.Block)
        {
            var x = Vector512.Create(*(int*)(a0 + 4 * g)).AsByte();
            c0 = Avx512F.Add(c0, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Avx512BW.LoadVector512(w)), ones));
            c1 = Avx512F.Add(c1, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Avx512BW.LoadVector512(w + 64)), ones));
            c2 = Avx512F.Add(c2, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Avx512BW.LoadVector512(w + 128)), ones));
            c3 = Avx512F.Add(c3, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Avx512BW.LoadVector512(w + 192)), ones));
        }
        Avx512F.Store(acc, c0); Avx512F.Store(acc + 16, c1); Avx512F.Store(acc + 32, c2); Avx512F.Store(acc + 48, c3);
    }

    // acc (4,64) = rows a0..a3 (K bytes each) times one packed block of 64 channels; 16 int32 accumulators stay in registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x64(byte* a0, byte* a1, byte* a2, byte* a3, sbyte* w, int groups, int* acc)
    {
        var ones = Vector512.Create((short)1);
        Vector512<int> c00 = default, c01 = default, c02 = default, c03 = default,
            c10 = default, c11 = default, c12 = default, c13 = default,
            c20 = default, c21 = default, c22 = default, c23 = default,
            c30 = default, c31 = default, c32 = default, c33 = default;
        for (int g = 0; g < groups; g++, w += 4 * Int8Weights.Block)
        {
            var w0 = Avx512BW.LoadVector512(w);
            var w1 = Avx512BW.LoadVector512(w + 64);
            var w2 = Avx512BW.LoadVector512(w + 128);
            var w3 = Avx512BW.LoadVector512(w + 192);
            var x = Vector512.Create(*(int*)(a0 + 4 * g)).AsByte();
            c00 = Avx512F.Add(c00, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w0), ones));
            c01 = Avx512F.Add(c01, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w1), ones));
            c02 = Avx512F.Add(c02, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w2), ones));
            c03 = Avx512F.Add(c03, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w3), ones));
            x = Vector512.Create(*(int*)(a1 + 4 * g)).AsByte();
            c10 = Avx512F.Add(c10, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w0), ones));
            c11 = Avx512F.Add(c11, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w1), ones));
            c12 = Avx512F.Add(c12, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w2), ones));
            c13 = Avx512F.Add(c13, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w3), ones));
            x = Vector512.Create(*(int*)(a2 + 4 * g)).AsByte();
            c20 = Avx512F.Add(c20, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w0), ones));
            c21 = Avx512F.Add(c21, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w1), ones));
            c22 = Avx512F.Add(c22, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w2), ones));
            c23 = Avx512F.Add(c23, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w3), ones));
            x = Vector512.Create(*(int*)(a3 + 4 * g)).AsByte();
            c30 = Avx512F.Add(c30, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w0), ones));
            c31 = Avx512F.Add(c31, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w1), ones));
            c32 = Avx512F.Add(c32, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w2), ones));
            c33 = Avx512F.Add(c33, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w3), ones));
        }
        Avx512F.Store(acc, c00); Avx512F.Store(acc + 16, c01); Avx512F.Store(acc + 32, c02); Avx512F.Store(acc + 48, c03);
        Avx512F.Store(acc + 64, c10); Avx512F.Store(acc + 80, c11); Avx512F.Store(acc + 96, c12); Avx512F.Store(acc + 112, c13);
        Avx512F.Store(acc + 128, c20); Avx512F.Store(acc + 144, c21); Avx512F.Store(acc + 160, c22); Avx512F.Store(acc + 176, c23);
        Avx512F.Store(acc + 192, c30); Avx512F.Store(acc + 208, c31); Avx512F.Store(acc + 224, c32); Avx512F.Store(acc + 240, c33);
    }
}
