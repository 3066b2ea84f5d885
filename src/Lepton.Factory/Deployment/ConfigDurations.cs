using System.Globalization;

namespace Lepton.Factory.Deployment;

/// <summary>Durations as HAProxy and Prometheus read them: one whole number and the largest unit that divides it (90s, 15m, 2h, 250ms).</summary>
public static class ConfigDurations
{
    /// <summary>Formats a positive duration; sub-millisecond parts are refused rather than rounded silently.</summary>
    public static string Format(TimeSpan duration, string what = "duration")
    {
        if (duration <= TimeSpan.Zero) throw new ArgumentException($"{what} must be positive, got {duration}.");
        if (duration.Ticks % TimeSpan.TicksPerMillisecond != 0)
            throw new ArgumentException($"{what} {duration} has a fraction of a millisecond; give whole milliseconds.");
        long ms = (long)duration.TotalMilliseconds;
        static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
        if (ms % 3_600_000 == 0) return N(ms / 3_600_000) + "h";
        if (ms % 60_000 == 0) return N(ms / 60_000) + "m";
        if (ms % 1000 == 0) return N(ms / 1000) + "s";
        return N(ms) + "ms";
    }
}
