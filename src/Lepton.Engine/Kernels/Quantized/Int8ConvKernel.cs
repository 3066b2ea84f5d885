using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels.Quantized;

/// <summary>
/// The pixel-major int8 GEMM of <see cref="Int8Conv2d"/>: y (O, P) = W (O, K) times the image's unfolded activations, with
/// activations packed as blocks of 16 pixels x 4 consecutive k (one 64-byte vector per block and k-group) and each channel's
/// 4 codes broadcast. A 4-channel x 64-pixel tile keeps 16 int32 accumulators in registers; its epilogue writes 16 contiguous
/// pixels of a channel's NCHW plane at a time, and no channel is padded (a 32-channel layer does 32 channels of work).
/// Bit-equal to <see cref="Int8Conv2dReference"/>: the same integer sums and the same float epilogue.
/// </summary>
internal static unsafe class Int8ConvKernel
{
    /// <summary>Pixels per packed block (one int32 lane each).</summary>
    public const int BlockPixels = 16;

    // packed: (blocks, groups, 16 pixels, 4 bytes); y: (O, p) with channel stride p.
    public static void Run(byte* packed, int blocks, int groups, Int8Weights w, in Int8Epilogue e, float* y, int p)
    {
        int outs = w.OutFeatures;
        int blockBytes = groups * 64;
        int* acc = stackalloc int[16 * 16];
        float* tail = stackalloc float[BlockPixels];
        fixed (int* quads = w.Quads)
        {
            for (int b0 = 0; b0 < blocks; b0 += 4)
            {
                int nb = Math.Min(4, blocks - b0);
                byte* a0 = packed + (long)b0 * blockBytes;
                for (int o0 = 0; o0 < outs; o0 += 4)
                {
                    int no = Math.Min(4, outs - o0);
                    // A short channel tile reads its first channel again in the missing channels' place and stores only the real ones.
                    int* w0 = quads + (long)o0 * groups;
                    int* w1 = no > 1 ? w0 + groups : w0;
                    int* w2 = no > 2 ? w0 + 2L * groups : w0;
                    int* w3 = no > 3 ? w0 + 3L * groups : w0;
                    if (nb == 4) Tile(a0, a0 + blockBytes, a0 + 2L * blockBytes, a0 + 3L * blockBytes, w0, w1, w2, w3, groups, acc);
                    else
                        // The last blocks of an image (196 pixels are 12.25 blocks) one at a time, not padded to a whole tile.
                        for (int b = 0; b < nb; b++) TileOneBlock(a0 + (long)b * blockBytes, w0, w1, w2, w3, groups, acc, b);
                    for (int c = 0; c < no; c++)
                    {
                        int o = o0 + c;
                        float* row = y + (long)o * p;
                        for (int b = 0; b < nb; b++)
                            Store(acc + (c * 4 + b) * 16, o, w, e, row, (b0 + b) * BlockPixels, p, tail);
                    }
                }
            }
        }
    }

    // acc[(c * 4 + slot) * 16 ..] (4 channels, one block of 16 pixels) = block a times channels w0..w3.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileOneBlock(byte* a, int* w0, int* w1, int* w2, int* w3, int groups, int* acc, int slot)
    {
        var ones = Vector512.Create((short)1);
        Vector512<int> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int g = 0; g < groups; g++)
        {
            var x = Avx512BW.LoadVector512(a + (long)g * 64);
            c0 = Avx512F.Add(c0, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Vector512.Create(w0[g]).AsSByte()), ones));
            c1 = Avx512F.Add(c1, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Vector512.Create(w1[g]).AsSByte()), ones));
            c2 = Avx512F.Add(c2, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Vector512.Create(w2[g]).AsSByte()), ones));
            c3 = Avx512F.Add(c3, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Vector512.Create(w3[g]).AsSByte()), ones));
        }
        Avx512F.Store(acc + slot * 16, c0);
        Avx512F.Store(acc + (4 + slot) * 16, c1);
        Avx512F.Store(acc + (8 + slot) * 16, c2);
        Avx512F.Store(acc + (12 + slot) * 16, c3);
    }

    // 16 pixels of channel o: (acc - zp * sum) * (inputScale * scale) + bias, then ReLU; only pixels below p are written.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(int* acc, int o, Int8Weights w, in Int8Epilogue e, float* row, int pixel, int p, float* tail)
    {
        var s = Avx512F.Subtract(Avx512F.LoadVector512(acc), Vector512.Create(e.InputZeroPoint * w.Sums[o]));
        var f = Avx512F.Add(Avx512F.Multiply(Avx512F.ConvertToVector512Single(s), Vector512.Create(e.InputScale * w.Scales[o])),
            Vector512.Create(e.Bias is null ? 0f : e.Bias[o]));
        if (e.Relu) f = Avx512F.Max(f, Vector512<float>.Zero);
        if (pixel + BlockPixels <= p)
        {
            Avx512F.Store(row + pixel, f);
            return;
        }
        Avx512F.Store(tail, f);
        for (int i = 0; pixel + i < p; i++) row[pixel + i] = tail[i];
    }

    // acc (4 channels, 4 blocks, 16 pixels) = blocks a0..a3 (groups x 64 bytes each) times channels w0..w3 (groups ints each).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(byte* a0, byte* a1, byte* a2, byte* a3, int* w0, int* w1, int* w2, int* w3, int groups, int* acc)
    {
        var ones = Vector512.Create((short)1);
        Vector512<int> c00 = default, c01 = default, c02 = default, c03 = default,
            c10 = default, c11 = default, c12 = default, c13 = default,
            c20 = default, c21 = default, c22 = default, c23 = default,
            c30 = default, c31 = default, c32 = default, c33 = default;
        for (int g = 0; g < groups; g++)
        {
            long off = (long)g * 64;
            var x0 = Avx512BW.LoadVector512(a0 + off);
            var x1 = Avx512BW.LoadVector512(a1 + off);
            var x2 = Avx512BW.LoadVector512(a2 + off);
            var x3 = Avx512BW.LoadVector512(a3 + off);
            var w = Vector512.Create(w0[g]).AsSByte();
            c00 = Avx512F.Add(c00, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x0, w), ones));
            c01 = Avx512F.Add(c01, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x1, w), ones));
            c02 = Avx512F.Add(c02, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x2, w), ones));
            c03 = Avx512F.Add(c03, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x3, w), ones));
            w = Vector512.Create(w1[g]).AsSByte();
            c10 = Avx512F.Add(c10, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x0, w), ones));
            c11 = Avx512F.Add(c11, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x1, w), ones));
            c12 = Avx512F.Add(c12, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x2, w), ones));
            c13 = Avx512F.Add(c13, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x3, w), ones));
            w = Vector512.Create(w2[g]).AsSByte();
            c20 = Avx512F.Add(c20, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x0, w), ones));
            c21 = Avx512F.Add(c21, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x1, w), ones));
            c22 = Avx512F.Add(c22, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x2, w), ones));
            c23 = Avx512F.Add(c23, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x3, w), ones));
            w = Vector512.Create(w3[g]).AsSByte();
            c30 = Avx512F.Add(c30, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x0, w), ones));
            c31 = Avx512F.Add(c31, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x1, w), ones));
            c32 = Avx512F.Add(c32, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x2, w), ones));
            c33 = Avx512F.Add(c33, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x3, w), ones));
        }
        Avx512F.Store(acc, c00); Avx512F.Store(acc + 16, c01); Avx512F.Store(acc + 32, c02); Avx512F.Store(acc + 48, c03);
        Avx512F.Store(acc + 64, c10); Avx512F.Store(acc + 80, c11); Avx512F.Store(acc + 96, c12); Avx512F.Store(acc + 112, c13);
        Avx512F.Store(acc + 128, c20); Avx512F.Store(acc + 144, c21); Avx512F.Store(acc + 160, c22); Avx512F.Store(acc + 176, c23);
        Avx512F.Store(acc + 192, c30); Avx512F.Store(acc + 208, c31); Avx512F.Store(acc + 224, c32); Avx512F.Store(acc + 240, c33);
    }
}
