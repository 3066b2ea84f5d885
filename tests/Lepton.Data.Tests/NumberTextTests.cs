namespace Lepton.Data.Tests;

/// <summary>Scores keep a fixed count of decimals for their size; data values drop trailing zeros; both group thousands.</summary>
public sealed class NumberTextTests
{
    [Theory]
    [InlineData(26208.1838, "26,208")]
    [InlineData(-1924.3243, "-1,924.3")]
    [InlineData(295.3405, "295.34")]
    [InlineData(56.41903, "56.419")]
    [InlineData(0.95, "0.9500")]
    [InlineData(double.NaN, "–")]
    public void Readable_FixedDecimalsBySize(double value, string expected) => Assert.Equal(expected, NumberText.Readable(value));

    [Theory]
    [InlineData(963642.79, "963,643")]
    [InlineData(1492.128333, "1,492.1")]
    [InlineData(135, "135")]
    [InlineData(3.010667, "3.0107")]
    [InlineData(1, "1")]
    [InlineData(double.PositiveInfinity, "–")]
    public void Value_WithoutTrailingZeros(double value, string expected) => Assert.Equal(expected, NumberText.Value(value));

    [Theory]
    [InlineData(0.0132, "0.013")]
    [InlineData(0.00004, "4.0e-5")]
    [InlineData(1, "1")]
    public void PValue_ThreeDecimalsOrENotationBelowAThousandth(double p, string expected) => Assert.Equal(expected, NumberText.PValue(p));
}
