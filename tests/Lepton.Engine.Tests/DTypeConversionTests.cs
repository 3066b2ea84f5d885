namespace Lepton.Engine.Tests;

/// <summary>
/// Tensor.To between every pair of dtypes: exact where the target holds the value, round to nearest even into
/// Float16/BFloat16 (checked against a brute-force search over all 65,536 bit patterns), saturation into integers.
/// </summary>
public class DTypeConversionTests
{
    public static TheoryData<DType, DType> Pairs()
    {
        var d = new TheoryData<DType, DType>();
        foreach (var a in DTypeInfo.All)
            foreach (var b in DTypeInfo.All) d.Add(a, b);
        return d;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void To_EveryPair_KeepsValuesBothTypesHold(DType from, DType to)
    {
        // 0..127 and a few halves: every dtype holds the integers, the float ones hold the halves too.
        var ints = Enumerable.Range(0, 128).Select(i => (double)i).ToArray();
        var x = Tensor.FromArray(ints).To(from);
        Assert.Equal(from, x.DType);
        var y = x.To(to);
        Assert.Equal(to, y.DType);
        Assert.Equal(ints, y.ToDoubleArray());
        Assert.Equal(ints, y.To(from).ToDoubleArray());

        if (from.IsFloatingPoint() && to.IsFloatingPoint())
        {
            var halves = new[] { -2.5, -0.5, 0.25, 1.5, 100.5 }; // 100.5 has 8 significant bits, as many as BFloat16 keeps
            Assert.Equal(halves, Tensor.FromArray(halves).To(from).To(to).ToDoubleArray());
        }
    }

    [Theory]
    [InlineData(1 + 1.0 / 2048, 1.0)] // a tie: to the even neighbour (1)
    [InlineData(1 + 3.0 / 2048, 1 + 4.0 / 2048)] // a tie: to the even neighbour (up)
    [InlineData(1 + 1.0 / 2048 + 1.0 / (1L << 40), 1 + 1.0 / 1024)] // just past a tie; via float it would round twice, to 1
    [InlineData(65504.0, 65504.0)]
    [InlineData(65519.99, 65504.0)]
    [InlineData(65520.0, double.PositiveInfinity)]
    [InlineData(-1e6, double.NegativeInfinity)]
    [InlineData(5.960464477539063e-08, 5.960464477539063e-08)] // the smallest subnormal
    [InlineData(2.9e-08, 0.0)]
    public void Float64ToFloat16_RoundsOnceToNearestEven(double value, double expected) =>
        Assert.Equal(expected, Tensor.FromArray(new[] { value }).To(DType.Float16).ToDoubleArray()[0]);

    [Theory]
    [InlineData(1 + 1.0 / 256, 1.0)]
    [InlineData(1 + 3.0 / 256, 1 + 4.0 / 256)]
    [InlineData(1 + 1.0 / 256 + 1.0 / (1L << 40), 1 + 1.0 / 128)] // just past a tie; via float it would round twice
    [InlineData(3.3895313892515355e38, 3.3895313892515355e38)] // the largest finite bfloat16
    [InlineData(3.4e38, double.PositiveInfinity)]
    [InlineData(-3.4e38, double.NegativeInfinity)]
    public void Float64ToBFloat16_RoundsOnceToNearestEven(double value, double expected) =>
        Assert.Equal(expected, Tensor.FromArray(new[] { value }).To(DType.BFloat16).ToDoubleArray()[0]);

    [Theory]
    [InlineData(257L, 256.0)] // a tie: 256 has the even mantissa
    [InlineData(259L, 260.0)]
    [InlineData((1L << 40) + (1L << 32) + 1, (double)((1L << 40) + (1L << 33)))] // via float, the +1 is lost and the tie goes down
    [InlineData(long.MinValue, -9.223372036854775808e18)]
    [InlineData(long.MaxValue, 9.223372036854775808e18)]
    public void Int64ToBFloat16_RoundsOnceToNearestEven(long value, double expected) =>
        Assert.Equal(expected, Tensor.FromArray(new[] { value }).To(DType.BFloat16).ToDoubleArray()[0]);

    [Fact]
    public void FloatToFloat16AndBFloat16_MatchTheNearestEvenBitPatternFoundByBruteForce()
    {
        var rng = new Generator(14);
        var f16 = Sorted(b => (double)BitConverter.UInt16BitsToHalf(b));
        var bf16 = Sorted(b => (double)BFloat16.FromBits(b));
        var values = new double[4000];
        for (int i = 0; i < values.Length; i++)
        {
            // Magnitudes from 2^-30 to 2^15 (inside Float16's range), random signs; half of them exact floats.
            double v = Math.Pow(2, -30 + 45 * rng.NextDouble()) * (rng.NextDouble() < 0.5 ? -1 : 1);
            values[i] = i % 2 == 0 ? v : (float)v;
        }
        var asHalf = Tensor.FromArray(values).To(DType.Float16).ToArray<Half>();
        var asBf16 = Tensor.FromArray(values).To(DType.BFloat16).ToArray<BFloat16>();
        var viaFloatBf16 = Tensor.FromArray(values.Select(v => (float)v).ToArray()).To(DType.BFloat16).ToArray<BFloat16>();
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(Nearest(f16, values[i]), BitConverter.HalfToUInt16Bits(asHalf[i]));
            Assert.Equal(Nearest(bf16, values[i]), asBf16[i].RawValue);
            Assert.Equal(Nearest(bf16, (float)values[i]), viaFloatBf16[i].RawValue);
        }
    }

    // Every finite value of a 16-bit format with its bit pattern, sorted by value (+0 only).
    private static (double Value, ushort Bits)[] Sorted(Func<ushort, double> decode) =>
        Enumerable.Range(0, 65536).Select(b => (Value: decode((ushort)b), Bits: (ushort)b))
            .Where(p => double.IsFinite(p.Value) && !(p.Value == 0 && p.Bits != 0))
            .OrderBy(p => p.Value).ToArray();

    // The reference: the two neighbours of v, the closer one, and on a tie the one whose last mantissa bit is 0.
    private static ushort Nearest((double Value, ushort Bits)[] table, double v)
    {
        int lo = 0, hi = table.Length - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (table[mid].Value <= v) lo = mid; else hi = mid;
        }
        var (a, b) = (table[lo], table[hi]);
        double da = Math.Abs(v - a.Value), db = Math.Abs(b.Value - v);
        var pick = da < db ? a : db < da ? b : (a.Bits & 1) == 0 ? a : b;
        // A zero result keeps the sign of v, as IEEE rounding does.
        return pick.Value == 0 && v < 0 ? (ushort)(pick.Bits | 0x8000) : pick.Bits;
    }

    [Theory]
    [InlineData(DType.Int8, new[] { 300.7, -3.9, 3.9, double.NaN, -1000, double.PositiveInfinity, -128.5 }, new[] { 127.0, -3, 3, 0, -128, 127, -128 })]
    [InlineData(DType.UInt8, new[] { -1.0, 255.9, 300, 2.5, double.NaN, double.NegativeInfinity }, new[] { 0.0, 255, 255, 2, 0, 0 })]
    [InlineData(DType.Int32, new[] { 3e9, -3e9, -7.9, double.NaN }, new[] { 2147483647.0, -2147483648, -7, 0 })]
    [InlineData(DType.Int64, new[] { 1e19, -1e19, 4611686018427387904.0, -2.5 }, new[] { 9.223372036854775807e18, -9.223372036854775808e18, 4611686018427387904.0, -2 })]
    public void FloatToInteger_TruncatesAndSaturates(DType to, double[] values, double[] expected) =>
        Assert.Equal(expected, Tensor.FromArray(values).To(to).ToDoubleArray());

    [Fact]
    public void IntegerToNarrowerInteger_Saturates()
    {
        Assert.Equal(new long[] { int.MaxValue, int.MinValue, 5 }.Select(v => (int)v),
            Tensor.FromArray(new[] { 1L << 40, -(1L << 40), 5 }).To(DType.Int32).ToArray<int>());
        Assert.Equal(new byte[] { 0, 255, 7 }, Tensor.FromArray(new[] { -5, 1000, 7 }).To(DType.UInt8).ToArray<byte>());
        Assert.Equal(new sbyte[] { 127, -128, -7 }, Tensor.FromArray(new[] { 1000L, -1000, -7 }).To(DType.Int8).ToArray<sbyte>());
        Assert.Equal(new sbyte[] { 127, 0 }, Tensor.FromArray(new byte[] { 200, 0 }).To(DType.Int8).ToArray<sbyte>());
        Assert.Equal(long.MaxValue, Tensor.FromArray(new[] { long.MaxValue }).To(DType.Int64).ToArray<long>()[0]);
    }

    [Fact]
    public void NaNInfinityAndNegativeZero_SurviveEveryFloatingPointType()
    {
        var special = new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0 };
        foreach (var d in DTypeInfo.All.Where(d => d.IsFloatingPoint()))
        {
            var back = Tensor.FromArray(special).To(d).ToDoubleArray();
            Assert.True(double.IsNaN(back[0]), $"{d} NaN");
            Assert.Equal(double.PositiveInfinity, back[1]);
            Assert.Equal(double.NegativeInfinity, back[2]);
            Assert.True(back[3] == 0 && double.IsNegative(back[3]), $"{d} -0");
        }
    }

    [Fact]
    public void BFloat16_ConvertsAndComparesLikeTheFloatItHolds()
    {
        Assert.Equal(0x3FC0, ((BFloat16)1.5f).RawValue);
        Assert.Equal(1.5f, (float)BFloat16.FromBits(0x3FC0));
        Assert.True(((BFloat16)float.NaN).IsNaN);
        Assert.True(BFloat16.NaN.Equals(BFloat16.NaN));
        Assert.False(BFloat16.NaN == BFloat16.NaN);
        Assert.True((BFloat16)(-0f) == BFloat16.Zero);
        Assert.Equal(BFloat16.PositiveInfinity.RawValue, ((BFloat16)float.MaxValue).RawValue);
        Assert.Equal("1.5", ((BFloat16)1.5f).ToString());
    }

    [Fact]
    public void To_RecordsGradientsOnlyBetweenFloat32AndFloat64()
    {
        var x = Tensor.FromArray(new[] { 1f, 2f }).RequireGrad();
        Assert.NotNull(x.To(DType.Float64).Node);
        Assert.Null(x.To(DType.Float16).Node);
        Assert.Null(x.To(DType.Int64).Node);
    }
}
