using System.Globalization;
using Lepton.Monitoring;

namespace Lepton.Factory.Recipes.Schema;

/// <summary>Durations as recipes write them: a number and a unit, e.g. <c>250ms</c>, <c>90s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c>.</summary>
public static class Durations
{
    public const string Forms = "a number and a unit: ms, s, m, h or d (e.g. 250ms, 90s, 15m, 2h, 1d)";

    /// <summary>
    /// The duration (as <see cref="MonitorWindow.ParseDuration"/> reads it, from 1 ms to 366 days), or null when
    /// <paramref name="text"/> is not one (negative and zero durations are not).
    /// </summary>
    public static TimeSpan? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            var d = MonitorWindow.ParseDuration(text);
            return d.TotalMilliseconds is >= 1 and <= 366 * 86_400_000d ? d : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>True for "0", "0s", "0m" and the like: the zero a setting such as a canary window accepts to mean "skip".</summary>
    public static bool IsZero(string? text)
    {
        try
        {
            return !string.IsNullOrWhiteSpace(text) && MonitorWindow.ParseDuration(text, allowZero: true) == TimeSpan.Zero;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The shortest readable form (<c>15m</c>, <c>2ms</c>, <c>90s</c>).</summary>
    public static string Format(TimeSpan d)
    {
        double ms = d.TotalMilliseconds;
        foreach (var (unit, size) in new[] { ("d", 86_400_000d), ("h", 3_600_000d), ("m", 60_000d), ("s", 1000d) })
            if (ms >= size && ms % size == 0) return (ms / size).ToString(CultureInfo.InvariantCulture) + unit;
        return ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
