namespace Lepton.Monitoring.Alerts;

/// <summary>How the background monitor looks at traffic: the window each report covers, how often it checks, and the rules.</summary>
public sealed record MonitoringOptions(TimeSpan Window, TimeSpan Interval, IReadOnlyList<AlertRule> Rules)
{
    /// <summary>A 15-minute window checked every 30 seconds, with no rules.</summary>
    public MonitoringOptions() : this(TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(30), []) { }

    /// <summary>Throws when the window or interval is not positive or the rules are missing.</summary>
    public MonitoringOptions Validate()
    {
        if (Window <= TimeSpan.Zero) throw new ArgumentException($"Monitoring window must be positive, got {Window}; e.g. 15m.");
        if (Interval <= TimeSpan.Zero) throw new ArgumentException($"Monitoring interval must be positive, got {Interval}; e.g. 30s.");
        if (Rules is null) throw new ArgumentException("Monitoring rules must be a list (empty for none).");
        return this;
    }
}
