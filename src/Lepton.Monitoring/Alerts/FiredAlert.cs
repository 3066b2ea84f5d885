namespace Lepton.Monitoring.Alerts;

/// <summary>A rule that holds for a model (Version null: all versions pooled), with the observed value and a readable message.</summary>
public sealed record FiredAlert(AlertRule Rule, string Model, int? Version, double Value, string Message);
