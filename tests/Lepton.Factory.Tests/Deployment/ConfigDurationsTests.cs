using Lepton.Factory.Deployment;

namespace Lepton.Factory.Tests.Deployment;

public sealed class ConfigDurationsTests
{
    [Theory]
    [InlineData(250, "250ms")]
    [InlineData(1000, "1s")]
    [InlineData(90_000, "90s")]
    [InlineData(900_000, "15m")]
    [InlineData(5_400_000, "90m")]
    [InlineData(7_200_000, "2h")]
    public void Format_WholeDuration_UsesLargestExactUnit(int milliseconds, string expected) =>
        Assert.Equal(expected, ConfigDurations.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Format_ZeroOrFractionalMillisecond_Throws()
    {
        Assert.Throws<ArgumentException>(() => ConfigDurations.Format(TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => ConfigDurations.Format(TimeSpan.FromTicks(15_000)));
    }
}
