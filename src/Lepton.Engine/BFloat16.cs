using System.Globalization;

namespace Lepton.Engine;

/// <summary>
/// Brain floating point: the upper 16 bits of an IEEE float32 (8 exponent bits, 7 mantissa bits), as PyTorch's
/// torch.bfloat16 and safetensors' BF16. .NET 10 has no such type. Conversions to it round to nearest, ties to even.
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>, IFormattable
{
    private BFloat16(ushort bits) => RawValue = bits;

    /// <summary>The 16 stored bits (sign, exponent, mantissa), as written to a file.</summary>
    public ushort RawValue { get; }

    public static BFloat16 FromBits(ushort bits) => new(bits);

    public static BFloat16 Zero => default;

    public static BFloat16 NaN => new(0x7FC0);

    public static BFloat16 PositiveInfinity => new(0x7F80);

    public static BFloat16 NegativeInfinity => new(0xFF80);

    /// <summary>The largest finite value, (2 - 2^-7) * 2^127 ≈ 3.39e38.</summary>
    public static BFloat16 MaxValue => new(0x7F7F);

    public bool IsNaN => (RawValue & 0x7FFF) > 0x7F80;

    /// <summary>Exact: every bfloat16 is a float32.</summary>
    public static implicit operator float(BFloat16 v) => BitConverter.Int32BitsToSingle(v.RawValue << 16);

    public static explicit operator double(BFloat16 v) => (float)v;

    /// <summary>Rounds to nearest, ties to even; NaN stays NaN (quiet), overflow gives infinity.</summary>
    public static explicit operator BFloat16(float v)
    {
        uint bits = BitConverter.SingleToUInt32Bits(v);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) return new((ushort)((bits >> 16) | 0x0040)); // keep the sign, force quiet
        // Adding 0x7FFF plus the lowest kept bit rounds half to even; a carry into the exponent is the right answer
        // (up to infinity for values past MaxValue's halfway point).
        uint lsb = (bits >> 16) & 1;
        return new((ushort)((bits + 0x7FFF + lsb) >> 16));
    }

    /// <summary>
    /// Rounds once, to nearest, ties to even. Going through (float)v would round twice and can land on the wrong
    /// side of a tie, so the double is first cut to a float rounded to odd (exact sticky bit), which then rounds correctly.
    /// </summary>
    public static explicit operator BFloat16(double v) => (BFloat16)RoundToOddSingle(v);

    /// <summary>Rounds once, to nearest, ties to even, using integer arithmetic (a long can hold more than 24 significant bits).</summary>
    public static BFloat16 FromInt64(long v)
    {
        if (v == 0) return default;
        bool negative = v < 0;
        ulong m = negative ? (ulong)(-(v + 1)) + 1 : (ulong)v; // |long.MinValue| without overflow
        int shift = 64 - (int)ulong.LeadingZeroCount(m) - 8; // keep 8 significant bits
        if (shift > 0)
        {
            ulong kept = m >> shift, rest = m & ((1UL << shift) - 1), half = 1UL << (shift - 1);
            if (rest > half || (rest == half && (kept & 1) == 1)) kept++;
            m = kept << shift; // at most 9 significant bits after a carry: exact in a float
        }
        float f = m; // exact: m has at most 9 significant bits
        return (BFloat16)(negative ? -f : f);
    }

    // The float nearest v toward zero, with its last bit set when that was inexact ("round to odd").
    private static float RoundToOddSingle(double v)
    {
        float f = (float)v;
        if (double.IsNaN(v) || double.IsInfinity(v) || (double)f == v) return f;
        if (float.IsInfinity(f)) return f; // beyond float's range: infinity is bfloat16's answer too
        uint bits = BitConverter.SingleToUInt32Bits(f);
        if (Math.Abs((double)f) > Math.Abs(v)) bits--; // step toward zero: the magnitude bits are monotonic
        return BitConverter.UInt32BitsToSingle(bits | 1);
    }

    public bool Equals(BFloat16 other) => ((float)this).Equals(other); // NaN equals NaN here, as float.Equals

    public override bool Equals(object? obj) => obj is BFloat16 b && Equals(b);

    public override int GetHashCode() => ((float)this).GetHashCode();

    public int CompareTo(BFloat16 other) => ((float)this).CompareTo(other);

    public static bool operator ==(BFloat16 a, BFloat16 b) => (float)a == (float)b; // IEEE: NaN != NaN

    public static bool operator !=(BFloat16 a, BFloat16 b) => (float)a != (float)b;

    public override string ToString() => ((float)this).ToString(CultureInfo.InvariantCulture);

    public string ToString(string? format, IFormatProvider? formatProvider) => ((float)this).ToString(format, formatProvider);
}
