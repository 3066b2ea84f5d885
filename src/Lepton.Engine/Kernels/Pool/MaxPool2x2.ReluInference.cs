using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels;

/// <summary>
/// MaxPool(ReLU(x)) without winners' positions (inference): once every value is max(x, 0), no NaN and no -0 is left,
/// so the window's result is a plain maximum and the compare-and-select chains that keep the "first maximum" order
/// for argmax are not needed. Held bit-equal to ReLU then <see cref="Pool2dReference.MaxForward{T}"/> by
/// MaxPool2x2ReluInferenceTests.
/// </summary>
internal static unsafe partial class MaxPool2x2
{
    // Output rows [r0, r1) of MaxPool(ReLU(x)); output row r pools input rows 2r and 2r+1 (planes are stacked rows,
    // since H is even), and output rows are dense in y, so planes need no separate handling.
    // vmaxps returns its second operand when either is NaN and when both are zeros. Every max below is
    // Avx512F.Max(fresh input, accumulator) with an accumulator that starts at +0: a NaN input leaves the accumulator,
    // -0 loses to +0, and the accumulator is never NaN or -0, exactly max(ReLU(a), ReLU(b), ...) as ReluOp computes it.
    // (Vector512.Max is IEEE maximum, NaN-propagating: not the instruction wanted here.)
    // All loads past a row's end are masked (AVX-512 masks suppress faults), so nothing outside x is read and no row
    // falls back to scalar code.
    private static void ReluPoolRows512(float* x, float* y, int w, int r0, int r1)
    {
        int ow = w / 2;
        if (ow <= 8) ReluPoolRowPairs512(x, y, w, r0, r1);
        else ReluPoolWideRows512(x, y, w, r0, r1);
    }

    // ow > 8 (w = 28 for the reference CNN's conv1): 16 outputs from 32 columns of each row pair; the last, partial block
    // loads and stores under lane masks that depend on the width alone, so they are made once.
    private static void ReluPoolWideRows512(float* x, float* y, int w, int r0, int r1)
    {
        int ow = w / 2, full = ow & ~15, tail = ow - full;
        var zero = Vector512<float>.Zero;
        // Tail block: 2*tail columns (2..30) in two vectors, then tail outputs.
        var loMask = Vector512.LessThan(LaneIndex, Vector512.Create(2 * tail)).AsSingle();
        var hiMask = Vector512.LessThan(LaneIndex, Vector512.Create(2 * tail - 16)).AsSingle();
        var outMask = Vector512.LessThan(LaneIndex, Vector512.Create(tail)).AsSingle();
        for (int r = r0; r < r1; r++)
        {
            float* top = x + 2L * r * w, bot = top + w, yo = y + (long)r * ow;
            for (int j = 0; j < full; j += 16)
            {
                var v0 = Avx512F.Max(Vector512.Load(bot + 2 * j), Avx512F.Max(Vector512.Load(top + 2 * j), zero));
                var v1 = Avx512F.Max(Vector512.Load(bot + 2 * j + 16), Avx512F.Max(Vector512.Load(top + 2 * j + 16), zero));
                PairMax(v0, v1).Store(yo + j);
            }
            if (tail == 0) continue;
            float* t = top + 2 * full, b = bot + 2 * full;
            var u0 = Avx512F.Max(Avx512F.MaskLoad(b, loMask, zero), Avx512F.Max(Avx512F.MaskLoad(t, loMask, zero), zero));
            var u1 = Avx512F.Max(Avx512F.MaskLoad(b + 16, hiMask, zero), Avx512F.Max(Avx512F.MaskLoad(t + 16, hiMask, zero), zero));
            Avx512F.MaskStore(yo + full, outMask, PairMax(u0, u1));
        }
    }

    // ow <= 8 (w = 14 for conv2): one vector holds a whole row of columns, so two output rows share one vector of outputs,
    // which halves the work of the half-empty vectors a row at a time would use.
    private static void ReluPoolRowPairs512(float* x, float* y, int w, int r0, int r1)
    {
        int ow = w / 2;
        var zero = Vector512<float>.Zero;
        var inMask = Vector512.LessThan(LaneIndex, Vector512.Create(w)).AsSingle();
        // Output lane k: column pair k of the first row for k < ow, else pair k - ow of the second (second source: + 16).
        var first = Vector512.LessThan(LaneIndex, Vector512.Create(ow));
        var even = Vector512.ConditionalSelect(first, LaneIndex * 2, (LaneIndex - Vector512.Create(ow)) * 2 + Vector512.Create(16));
        var odd = even + Vector512<int>.One;
        var pairMask = Vector512.LessThan(LaneIndex, Vector512.Create(2 * ow)).AsSingle();
        int r = r0;
        for (; r + 2 <= r1; r += 2)
        {
            float* top = x + 2L * r * w;
            var a = Avx512F.Max(Avx512F.MaskLoad(top + w, inMask, zero), Avx512F.Max(Avx512F.MaskLoad(top, inMask, zero), zero));
            var b = Avx512F.Max(Avx512F.MaskLoad(top + 3 * w, inMask, zero), Avx512F.Max(Avx512F.MaskLoad(top + 2 * w, inMask, zero), zero));
            var m = Avx512F.Max(Avx512F.PermuteVar16x32x2(a, odd, b), Avx512F.PermuteVar16x32x2(a, even, b));
            Avx512F.MaskStore(y + (long)r * ow, pairMask, m);
        }
        if (r < r1)
        {
            float* top = x + 2L * r * w;
            var a = Avx512F.Max(Avx512F.MaskLoad(top + w, inMask, zero), Avx512F.Max(Avx512F.MaskLoad(top, inMask, zero), zero));
            var m = Avx512F.Max(Avx512F.PermuteVar16x32x2(a, odd, a), Avx512F.PermuteVar16x32x2(a, even, a));
            Avx512F.MaskStore(y + (long)r * ow, first.AsSingle(), m);
        }
    }

    // Max of adjacent column pairs of 32 columns (v0 then v1) into 16 outputs. Inputs are ReLU'd (no NaN, no -0),
    // so the operand order does not matter here. Inlined by request: as a call, both vectors and the masks go through
    // the stack (measured 2-3x slower on w = 28).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PairMax(Vector512<float> v0, Vector512<float> v1) =>
        Avx512F.Max(Avx512F.PermuteVar16x32x2(v0, OddLanes, v1), Avx512F.PermuteVar16x32x2(v0, EvenLanes, v1));
}
