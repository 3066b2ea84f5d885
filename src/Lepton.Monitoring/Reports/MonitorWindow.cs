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

    /// <summary>Parses a duration such as "90s", "15m", "2h" or "1d" (a positive number and one unit).</summary>
    public static TimeSpan ParseDuration(string text)
    {
        string trimmed = (text ?? "").Trim().ToLowerInvariant();
        if (trimmed.Length >= 2 && double.TryParse(trimmed[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double amount)
            && amount > 0 && !double.IsInfinity(amount))
        {
            double? seconds = trimmed[^1] switch
            {
                's' => amount,
                'm' => amount * 60,
                'h' => amount * 3600,
                'd' => amount * 86400,
                _ => null,
            };
            if (seconds is { } s && s <= TimeSpan.MaxValue.TotalSeconds / 2) return TimeSpan.FromSeconds(s);
        }
        throw new FormatException($"'{text}' is not a duration; use a positive number with a unit s, m, h or d, e.g. 90s, 15m, 2h, 1d.");
    }
}
