using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels.Quantized;

// The AVX2 twin of the AVX-512 BW path: the same packed weights (a 32-byte load is four consecutive k of 8 channels), the
// same integer sums and epilogue, in 2-row x 32-channel tiles so the 8 accumulators, 4 weight vectors, the broadcast row
// and the ones fit in AVX2's 16 registers.
public static unsafe partial class Int8Gemm
{
    private const int MR2 = 2, Half = Int8Weights.Block / 2;

    private static void RunAvx2(byte* a, int rows, int lda, Int8Weights w, in Int8Epilogue e, float* y, int ldy, bool channelMajor)
    {
        int op = w.OutPadded;
        int* zpSums = stackalloc int[op];
        float* scale = stackalloc float[op];
        float* bias = stackalloc float[op];
        EpilogueTerms(w, e, zpSums, scale, bias);
        int groups = w.KPadded / 4;
        int* acc = stackalloc int[MR2 * Int8Weights.Block];
        float* tile = stackalloc float[MR2 * Int8Weights.Block];
        fixed (sbyte* packed = w.Packed)
        {
            for (int r0 = 0; r0 < rows; r0 += MR2)
            {
                int mr = Math.Min(MR2, rows - r0);
                byte* a0 = a + (long)r0 * lda;
                for (int ob = 0; ob < op; ob += Int8Weights.Block)
                {
                    // Lanes 0-31 of a block are the first 128 bytes of each 256-byte k-group, lanes 32-63 the second.
                    for (int half = 0; half < 2; half++)
                    {
                        sbyte* wb = packed + (long)ob * w.KPadded + half * 4 * Half;
                        if (mr == 1) Tile1x32(a0, wb, groups, acc + half * Half);
                        else Tile2x32(a0, a0 + lda, wb, groups, acc + half * Half);
                    }
                    int oCount = Math.Min(Int8Weights.Block, w.OutFeatures - ob);
                    DequantizeAvx2(acc, mr, zpSums + ob, scale + ob, bias + ob, e.Relu, tile);
                    StoreTile(tile, mr, r0, ob, oCount, y, ldy, channelMajor);
                }
            }
        }
    }

    // The AVX-512 Dequantize in 256 bits: the same operations in the same order, so the same floats.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DequantizeAvx2(int* acc, int mr, int* zpSums, float* scale, float* bias, bool relu, float* tile)
    {
        var zero = Vector256<float>.Zero;
        for (int r = 0; r < mr; r++)
            for (int v = 0; v < Int8Weights.Block; v += 8)
            {
                var s = Avx2.Subtract(Avx.LoadVector256(acc + r * Int8Weights.Block + v), Avx.LoadVector256(zpSums + v));
                var f = Avx.Add(Avx.Multiply(Avx.ConvertToVector256Single(s), Avx.LoadVector256(scale + v)), Avx.LoadVector256(bias + v));
                if (relu) f = Avx.Max(f, zero);
                Avx.Store(tile + r * Int8Weights.Block + v, f);
            }
    }

    // acc row 0, 32 channels (stride Block between rows) = row a0 times 32 channels of a packed block (w steps 256 bytes per k-group).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x32(byte* a0, sbyte* w, int groups, int* acc)
    {
        var ones = Vector256.Create((short)1);
        Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int g = 0; g < groups; g++, w += 4 * Int8Weights.Block)
        {
            var x = Vector256.Create(*(int*)(a0 + 4 * g)).AsByte();
            c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, Avx.LoadVector256(w)), ones));
            c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, Avx.LoadVector256(w + 32)), ones));
            c2 = Avx2.Add(c2, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, Avx.LoadVector256(w + 64)), ones));
            c3 = Avx2.Add(c3, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, Avx.LoadVector256(w + 96)), ones));
        }
        Avx.Store(acc, c0); Avx.Store(acc + 8, c1); Avx.Store(acc + 16, c2); Avx.Store(acc + 24, c3);
    }

    // acc rows 0 and 1, 32 channels each (stride Block) = rows a0, a1 times 32 channels of a packed block.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2x32(byte* a0, byte* a1, sbyte* w, int groups, int* acc)
    {
        var ones = Vector256.Create((short)1);
        Vector256<int> c00 = default, c01 = default, c02 = default, c03 = default,
            c10 = default, c11 = default, c12 = default, c13 = default;
        for (int g = 0; g < groups; g++, w += 4 * Int8Weights.Block)
        {
            var w0 = Avx.LoadVector256(w);
            var w1 = Avx.LoadVector256(w + 32);
            var w2 = Avx.LoadVector256(w + 64);
            var w3 = Avx.LoadVector256(w + 96);
            var x = Vector256.Create(*(int*)(a0 + 4 * g)).AsByte();
            c00 = Avx2.Add(c00, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w0), ones));
            c01 = Avx2.Add(c01, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w1), ones));
            c02 = Avx2.Add(c02, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w2), ones));
            c03 = Avx2.Add(c03, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w3), ones));
            x = Vector256.Create(*(int*)(a1 + 4 * g)).AsByte();
            c10 = Avx2.Add(c10, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w0), ones));
            c11 = Avx2.Add(c11, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w1), ones));
            c12 = Avx2.Add(c12, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w2), ones));
            c13 = Avx2.Add(c13, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w3), ones));
        }
        Avx.Store(acc, c00); Avx.Store(acc + 8, c01); Avx.Store(acc + 16, c02); Avx.Store(acc + 24, c03);
        int* row1 = acc + Int8Weights.Block;
        Avx.Store(row1, c10); Avx.Store(row1 + 8, c11); Avx.Store(row1 + 16, c12); Avx.Store(row1 + 24, c13);
    }
}
