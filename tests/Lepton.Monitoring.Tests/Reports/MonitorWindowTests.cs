namespace Lepton.Monitoring.Tests.Reports;

public class MonitorWindowTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    [InlineData(" 1.5M ", 90)]
    public void Durations_take_a_number_and_one_unit(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), MonitorWindow.ParseDuration(text));
    }

    [Theory]
    [InlineData("15")]
    [InlineData("m")]
    [InlineData("-5m")]
    [InlineData("0s")]
    [InlineData("5w")]
    [InlineData("")]
    public void Other_durations_are_refused_with_examples(string text)
    {
        var error = Assert.Throws<FormatException>(() => MonitorWindow.ParseDuration(text));
        Assert.Contains("15m", error.Message);
    }

    [Fact]
    public void Last_ends_now_and_spans_the_duration()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var window = MonitorWindow.Last(TimeSpan.FromMinutes(15), now);
        Assert.Equal((now.AddMinutes(-15), now), (window.From, window.To));
        Assert.Throws<ArgumentOutOfRangeException>(() => MonitorWindow.Last(TimeSpan.Zero, now));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData(" 0m ")]
    public void Zero_is_a_duration_only_where_allowed(string text)
    {
        Assert.Equal(TimeSpan.Zero, MonitorWindow.ParseDuration(text, allowZero: true));
        Assert.Throws<FormatException>(() => MonitorWindow.ParseDuration(text));
        Assert.Equal(TimeSpan.FromMilliseconds(250), MonitorWindow.ParseDuration("250ms", allowZero: true));
    }
}
