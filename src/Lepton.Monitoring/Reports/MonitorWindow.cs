using System.Globalization;

namespace Lepton.Monitoring;

/// <summary>A time range of the prediction log, [From, To).</summary>
public sealed record MonitorWindow(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The window length.</summary>
    public TimeSpan Duration => To - From;

    /// <summary>The window that ends now (or at <paramref name="now"/>) and spans <paramref name="span"/>.</summary>
    public static MonitorWindow Last(TimeSpan span, DateTimeOffset? now = null)
    {
        if (span <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(span), span, "A monitoring window must be longer than zero, e.g. 15m.");
        var end = now ?? DateTimeOffset.UtcNow;
        return new MonitorWindow(end - span, end);
    }

    /// <summary>
    /// Parses a duration such as "250ms", "90s", "15m", "2h" or "1d" (a positive number and one unit); with
    /// <paramref name="allowZero"/>, "0" (bare or with a unit) is zero, for settings where zero means "skip".
    /// </summary>
    public static TimeSpan ParseDuration(string text, bool allowZero = false)
    {
        string trimmed = (text ?? "").Trim().ToLowerInvariant();
        if (allowZero && double.TryParse(trimmed.TrimEnd('s', 'm', 'h', 'd'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double zero) && zero == 0)
            return TimeSpan.Zero;
        (string unit, double seconds) = trimmed.EndsWith("ms", StringComparison.Ordinal) ? ("ms", 0.001)
            : trimmed.EndsWith('s') ? ("s", 1)
            : trimmed.EndsWith('m') ? ("m", 60)
            : trimmed.EndsWith('h') ? ("h", 3600)
            : trimmed.EndsWith('d') ? ("d", 86400)
            : ("", 0);
        if (unit.Length > 0 && double.TryParse(trimmed[..^unit.Length].TrimEnd(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount)
            && amount > 0 && amount * seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
            return TimeSpan.FromSeconds(amount * seconds);
        throw new FormatException($"'{text}' is not a duration; use a positive number with a unit ms, s, m, h or d, e.g. 250ms, 90s, 15m, 2h, 1d.");
    }
}
