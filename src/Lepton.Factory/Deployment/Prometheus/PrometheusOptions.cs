using Lepton.Monitoring.Alerts;

namespace Lepton.Factory.Deployment.Prometheus;

/// <summary>
/// What the generated Prometheus configuration scrapes and alerts on: the scrape and rule-evaluation cadence, the Lepton
/// alert rules and the window they look back over, how long a rule must hold before it fires, and optionally HAProxy's
/// stats endpoint and Alertmanagers to notify.
/// </summary>
public sealed record PrometheusOptions
{
    public string JobName { get; init; } = "lepton";

    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan EvaluationInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The Lepton alert rules to translate (from <c>monitoring: rules:</c> and <c>--alert</c>).</summary>
    public IReadOnlyList<AlertRule> Rules { get; init; } = [];

    /// <summary>The window request-based rules look back over; Lepton's monitor uses 15 minutes unless told otherwise.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a rule must hold before its alert fires; zero fires at the first evaluation that holds, as Lepton's monitor does.</summary>
    public TimeSpan HoldFor { get; init; } = TimeSpan.Zero;

    public string Severity { get; init; } = "warning";

    /// <summary>HAProxy's stats frontend (lepton deploy haproxy --stats-port), scraped as job "haproxy" when given.</summary>
    public ReplicaAddress? HaProxyStats { get; init; }

    public IReadOnlyList<ReplicaAddress> Alertmanagers { get; init; } = [];

    /// <summary>Throws naming the setting, what it got and what it takes.</summary>
    public PrometheusOptions Validate()
    {
        if (string.IsNullOrEmpty(JobName) || JobName.Length > 64 || !JobName.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            throw new ArgumentException($"Prometheus job name '{JobName}' must be 1 to 64 ASCII letters, digits, '_' or '-'.");
        if (string.IsNullOrEmpty(Severity) || Severity.Length > 32 || !Severity.All(char.IsAsciiLetterLower))
            throw new ArgumentException($"Alert severity '{Severity}' must be 1 to 32 lower-case letters, e.g. warning or critical.");
        Between(ScrapeInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), "scrape interval");
        Between(EvaluationInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), "evaluation interval");
        Between(Window, TimeSpan.FromSeconds(1), TimeSpan.FromDays(31), "alert window");
        if (HoldFor < TimeSpan.Zero || HoldFor > TimeSpan.FromDays(1)) throw new ArgumentException($"Alert hold time must be 0 to 1 day, got {HoldFor}.");
        // rate() needs two samples inside the window; a window shorter than two scrapes never has them and the rule never fires.
        if (Window < ScrapeInterval * 2)
            throw new ArgumentException($"The alert window {Window} is shorter than two scrapes ({ScrapeInterval} each): rate() needs two samples in it; lengthen the window or scrape more often.");
        if (Rules is null || Alertmanagers is null) throw new ArgumentException("Prometheus rules and Alertmanagers must be lists (empty for none).");
        return this;
    }

    private static void Between(TimeSpan value, TimeSpan min, TimeSpan max, string what)
    {
        if (value < min || value > max) throw new ArgumentException($"Prometheus {what} must be between {min} and {max}, got {value}.");
    }
}
