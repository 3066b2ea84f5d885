using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels;

/// <summary>
/// The stride-2 row moves of im2col and col2im for float, four outputs per SSE shuffle instead of one scalar load or add
/// each (stride-2 convolutions: ResNet's downsampling 3x3 and 1x1 projections). The scalar loops are the tail and the twin
/// (<see cref="Im2Col"/> for other strides and types; KernelEquivalenceTests' stride-2 cases hold them equal).
/// </summary>
internal static class StridedRows
{
    /// <summary>dst[i] = src[2i] for i &lt; dst.Length; src holds at least 2*dst.Length - 1 elements.</summary>
    public static void GatherEven(ReadOnlySpan<float> src, Span<float> dst)
    {
        int i = 0, count = dst.Length;
        if (Sse.IsSupported)
        {
            ref float from = ref MemoryMarshal.GetReference(src);
            ref float to = ref MemoryMarshal.GetReference(dst);
            for (; i + 4 <= count && 2 * i + 8 <= src.Length; i += 4)
            {
                var lo = Vector128.LoadUnsafe(ref from, (nuint)(2 * i));
                var hi = Vector128.LoadUnsafe(ref from, (nuint)(2 * i + 4));
                Sse.Shuffle(lo, hi, 0b10_00_10_00).StoreUnsafe(ref to, (nuint)i);
            }
        }
        for (; i < count; i++) dst[i] = src[2 * i];
    }

    /// <summary>dst[2i] += src[i] for i &lt; src.Length; dst holds at least 2*src.Length - 1 elements.</summary>
    public static void ScatterAddEven(ReadOnlySpan<float> src, Span<float> dst)
    {
        int i = 0, count = src.Length;
        if (Sse.IsSupported)
        {
            ref float from = ref MemoryMarshal.GetReference(src);
            ref float to = ref MemoryMarshal.GetReference(dst);
            for (; i + 4 <= count && 2 * i + 8 <= dst.Length; i += 4)
            {
                var v = Vector128.LoadUnsafe(ref from, (nuint)i);
                var a = Vector128.LoadUnsafe(ref to, (nuint)(2 * i));
                var b = Vector128.LoadUnsafe(ref to, (nuint)(2 * i + 4));
                (a + Sse.UnpackLow(v, Vector128<float>.Zero)).StoreUnsafe(ref to, (nuint)(2 * i));
                (b + Sse.UnpackHigh(v, Vector128<float>.Zero)).StoreUnsafe(ref to, (nuint)(2 * i + 4));
            }
        }
        for (; i < count; i++) dst[2 * i] += src[i];
    }
}
