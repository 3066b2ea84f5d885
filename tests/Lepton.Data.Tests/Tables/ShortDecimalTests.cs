using System.Text;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tests.Tables;

/// <summary>The short-decimal fast path of number parsing gives the same bits as the full parser, and leaves the rest to it.</summary>
public sealed class ShortDecimalTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-0.0")]
    [InlineData("+7")]
    [InlineData("007")]
    [InlineData("255")]
    [InlineData("0.1")]
    [InlineData("17.99")]
    [InlineData("-123.456")]
    [InlineData("999999999999999")]
    [InlineData("0.00000000000001")]
    [InlineData("9.99999999999999")]
    public void TryParse_ShortDecimal_SameBitsAsFullParser(string text)
    {
        Assert.True(ShortDecimal.TryParse(text, out double fast));
        Assert.True(TableValues.TryParseNumberSlow(text, out double full));
        Assert.Equal(BitConverter.DoubleToInt64Bits(full), BitConverter.DoubleToInt64Bits(fast));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("5.")]
    [InlineData(".5")]
    [InlineData("1e5")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1.2.3")]
    [InlineData("1,5")]
    [InlineData("1234567890123456")]
    [InlineData("NaN")]
    [InlineData("--1")]
    public void TryParse_OtherText_LeftToFullParser(string text) => Assert.False(ShortDecimal.TryParse(text, out _));

    [Fact]
    public void TryParseNumber_RandomDecimals_SameBitsAsFullParser()
    {
        var rng = new Random(17);
        var sb = new StringBuilder();
        int fast = 0;
        for (int trial = 0; trial < 200_000; trial++)
        {
            sb.Clear();
            int pick = rng.Next(4);
            if (pick == 0) sb.Append('-');
            else if (pick == 1) sb.Append('+');
            int digits = rng.Next(1, 18);
            int point = rng.Next(-1, digits + 1);
            for (int d = 0; d < digits; d++)
            {
                if (d == point) sb.Append('.');
                sb.Append((char)('0' + rng.Next(10)));
            }
            if (point == digits) sb.Append('.');
            string text = sb.ToString();
            bool full = TableValues.TryParseNumberSlow(text, out double expected);
            Assert.Equal(full, TableValues.TryParseNumber(text, out double actual));
            if (!full) continue;
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"'{text}': {expected:R} vs {actual:R}");
            if (ShortDecimal.TryParse(text, out _)) fast++;
        }
        // The fast path must have been taken often for the comparison to mean anything.
        Assert.True(fast > 100_000, $"only {fast} short decimals");
    }
}
