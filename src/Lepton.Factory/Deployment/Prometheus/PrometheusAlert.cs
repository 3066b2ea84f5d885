namespace Lepton.Factory.Deployment.Prometheus;

/// <summary>One Prometheus alerting rule: its name, PromQL expression, how long it must hold, its labels and annotations.</summary>
public sealed record PrometheusAlert(
    string Name,
    string Expression,
    TimeSpan For,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    IReadOnlyList<KeyValuePair<string, string>> Annotations);
