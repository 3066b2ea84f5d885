using System.Globalization;
using System.Text;
using System.Text.Json;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Tests.Protocol;

/// <summary>The fast number reader against its reference twin, <see cref="Utf8JsonReader.TryGetDouble"/>: the same bits for every number.</summary>
public sealed class JsonNumberTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("0.0")]
    [InlineData("-0.0")]
    [InlineData("255.0")]
    [InlineData("0.0039215688593685627")]
    [InlineData("-0.42421875")]
    [InlineData("9007199254740992")] // 2^53: still exact
    [InlineData("9007199254740993")] // 2^53 + 1: falls back
    [InlineData("18446744073709551615")] // 20 digits: falls back
    [InlineData("1e22")]
    [InlineData("1e23")] // 10^23 is not exact in a double: falls back
    [InlineData("1E-22")]
    [InlineData("123456789e-30")]
    [InlineData("0.000000000000000000000000001")]
    [InlineData("1.7976931348623157e308")]
    [InlineData("4.9e-324")]
    [InlineData("0e99999999999")]
    [InlineData("1e-99999999999")]
    [InlineData("3.4028235e38")]
    [InlineData("1.00000000000000000000000000001")]
    [InlineData("2.5E+3")]
    public void SameBitsAsTheReader(string text) => AssertSame(text);

    [Theory]
    [InlineData("255.0", true)]
    [InlineData("-0.0039215688", true)]
    [InlineData("1e22", true)]
    [InlineData("9007199254740993", false)]
    [InlineData("1e23", false)]
    [InlineData("1.00000000000000000000000000001", false)]
    public void ShortDecimals_TakeTheFastPath(string text, bool fast) =>
        Assert.Equal(fast, JsonNumber.TryParseShort(Encoding.UTF8.GetBytes(text), out _));

    [Fact]
    public void RandomDecimals_GiveTheSameBitsAsTheReader()
    {
        var random = new Random(42);
        for (int i = 0; i < 20_000; i++)
        {
            int intDigits = random.Next(0, 12), fracDigits = random.Next(0, 14);
            var text = new StringBuilder();
            if (random.Next(2) == 0) text.Append('-');
            text.Append(intDigits == 0 ? "0" : random.Next(1, 10).ToString(CultureInfo.InvariantCulture));
            for (int d = 1; d < intDigits; d++) text.Append((char)('0' + random.Next(10)));
            if (fracDigits > 0)
            {
                text.Append('.');
                for (int d = 0; d < fracDigits; d++) text.Append((char)('0' + random.Next(10)));
            }
            if (random.Next(4) == 0) text.Append('e').Append(random.Next(-30, 31).ToString(CultureInfo.InvariantCulture));
            AssertSame(text.ToString());
        }
    }

    [Fact]
    public void RandomFloats_WrittenShortest_GiveTheSameBitsAsTheReader()
    {
        var random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            float value = (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 9)));
            AssertSame(value.ToString("R", CultureInfo.InvariantCulture).Replace("E+", "e", StringComparison.Ordinal));
        }
    }

    private static void AssertSame(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reference = new Utf8JsonReader(bytes);
        Assert.True(reference.Read());
        bool expectedOk = reference.TryGetDouble(out double expected);
        var fast = new Utf8JsonReader(bytes);
        Assert.True(fast.Read());
        bool ok = JsonNumber.TryGetDouble(ref fast, out double actual);
        Assert.Equal(expectedOk, ok);
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"{text}: reader {expected:R}, fast {actual:R}");
    }
}
