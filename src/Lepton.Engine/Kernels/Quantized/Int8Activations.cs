using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels.Quantized;

/// <summary>
/// Float activations to unsigned 7-bit codes, q = clamp(round(x / scale) + zeroPoint, 0, 127). Seven bits, not eight, because
/// the int8 GEMM multiplies bytes with <c>vpmaddubsw</c>, whose int16 pair sums saturate above 32,767: 2 x 127 x 127 = 32,258
/// always fits, so the fast kernel and its reference agree exactly (fbgemm's reduce_range does the same).
/// </summary>
public static class Int8Activations
{
    /// <summary>The largest activation code.</summary>
    public const int MaxCode = 127;

    // Values are clamped to +-256 before rounding so that huge inputs, infinities and NaN convert alike in both paths.
    private const float Bound = 256f;

    /// <summary>Quantizes <paramref name="x"/> into <paramref name="q"/> (same length) with 1/scale = <paramref name="inverseScale"/>.</summary>
    public static void Quantize(ReadOnlySpan<float> x, float inverseScale, int zeroPoint, Span<byte> q) =>
        Quantize(x, inverseScale, zeroPoint, q, Int8Kernels.Available);

    // With the kernels' instruction set, decided on the calling thread (workers follow it).
    internal static void Quantize(ReadOnlySpan<float> x, float inverseScale, int zeroPoint, Span<byte> q, Int8InstructionSet isa)
    {
        if (q.Length < x.Length) throw new ArgumentException($"Int8Activations.Quantize: output holds {q.Length} codes for {x.Length} values.");
        int i = 0;
        if (isa == Int8InstructionSet.Avx2 && Avx2.IsSupported && x.Length >= 8)
        {
            unsafe
            {
                fixed (float* px = x)
                fixed (byte* pq = q)
                {
                    var inv = Vector256.Create(inverseScale);
                    var lo = Vector256.Create(-Bound);
                    var hi = Vector256.Create(Bound);
                    var zp = Vector256.Create(zeroPoint);
                    var zero = Vector256<int>.Zero;
                    var max = Vector256.Create(MaxCode);
                    for (; i <= x.Length - 8; i += 8)
                    {
                        var v = Avx.Multiply(Avx.LoadVector256(px + i), inv);
                        v = Avx.Min(Avx.Max(v, lo), hi);
                        var r = Avx2.Add(Avx.ConvertToVector256Int32(v), zp);
                        r = Avx2.Min(Avx2.Max(r, zero), max);
                        // Codes are 0..127: packing to int16 and then to bytes saturates nothing.
                        var words = Sse2.PackSignedSaturate(r.GetLower(), r.GetUpper());
                        Sse2.StoreScalar((long*)(pq + i), Sse2.PackUnsignedSaturate(words, words).AsInt64());
                    }
                }
            }
        }
        else if (isa == Int8InstructionSet.Avx512 && Avx512F.IsSupported && x.Length >= 16)
        {
            unsafe
            {
                fixed (float* px = x)
                fixed (byte* pq = q)
                {
                    var inv = Vector512.Create(inverseScale);
                    var lo = Vector512.Create(-Bound);
                    var hi = Vector512.Create(Bound);
                    var zp = Vector512.Create(zeroPoint);
                    var zero = Vector512<int>.Zero;
                    var max = Vector512.Create(MaxCode);
                    for (; i <= x.Length - 16; i += 16)
                    {
                        var v = Avx512F.Multiply(Avx512F.LoadVector512(px + i), inv);
                        v = Avx512F.Min(Avx512F.Max(v, lo), hi);
                        var r = Avx512F.Add(Avx512F.ConvertToVector512Int32(v), zp);
                        r = Avx512F.Min(Avx512F.Max(r, zero), max);
                        Sse2.Store(pq + i, Avx512F.ConvertToVector128Byte(r));
                    }
                }
            }
        }
        for (; i < x.Length; i++) q[i] = QuantizeOne(x[i], inverseScale, zeroPoint);
    }

    /// <summary>One value, exactly as the vector path computes it (the reference twin).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte QuantizeOne(float x, float inverseScale, int zeroPoint)
    {
        float v = x * inverseScale;
        // vmaxps/vminps return the second operand when the first is NaN; these comparisons do the same.
        v = v > -Bound ? v : -Bound;
        v = v < Bound ? v : Bound;
        int r = (int)MathF.Round(v, MidpointRounding.ToEven) + zeroPoint;
        return (byte)Math.Clamp(r, 0, MaxCode);
    }

    /// <summary>Plain loop over <see cref="QuantizeOne"/>: the reference for <see cref="Quantize"/>.</summary>
    public static void QuantizeReference(ReadOnlySpan<float> x, float inverseScale, int zeroPoint, Span<byte> q)
    {
        for (int i = 0; i < x.Length; i++) q[i] = QuantizeOne(x[i], inverseScale, zeroPoint);
    }
}
