using Lepton.Monitoring.Alerts;

namespace Lepton.Monitoring;

/// <summary>What one model's traffic looked like in a window: all versions pooled, each version, and the alerts that fired.</summary>
public sealed record MonitorReport(
    string Model,
    MonitorWindow Window,
    VersionReport Overall,
    IReadOnlyList<VersionReport> Versions,
    IReadOnlyList<FiredAlert> Alerts);

/// <summary>
/// Traffic, errors, latency percentiles, predicted-class mix, mean input statistics, drift against the version's reference
/// profile (null/empty when it has none) and live accuracy from feedback (null without labels) for one version, or for all
/// versions pooled (Version null).
/// </summary>
public sealed record VersionReport(
    string Model,
    int? Version,
    long Requests,
    double RequestsPerSecond,
    long Errors,
    double ErrorRate,
    double LatencyP50Ms,
    double LatencyP95Ms,
    double LatencyP99Ms,
    IReadOnlyDictionary<string, double> ClassDistribution,
    IReadOnlyDictionary<string, double> InputMeans,
    IReadOnlyList<InputDrift> InputDrift,
    PredictionDrift? PredictionDrift,
    LiveAccuracy? Accuracy);

/// <summary>Drift of one input statistic (mean, std, min, max of each request): PSI over the reference deciles and a KS test against the reference sample.</summary>
public sealed record InputDrift(string Statistic, double Psi, double KsStatistic, double KsPValue);

/// <summary>Drift of the predicted-class mix from the reference predictions: PSI and a chi-square goodness-of-fit test.</summary>
public sealed record PredictionDrift(double Psi, double ChiSquare, int DegreesOfFreedom, double PValue);

/// <summary>Accuracy of the logged predictions against the labels clients sent back.</summary>
public sealed record LiveAccuracy(int Labels, double Accuracy, IReadOnlyList<ClassAccuracy> Classes);

/// <summary>Precision and recall of one class on the labelled predictions; Support is the number of true labels of that class.</summary>
public sealed record ClassAccuracy(string Name, double Precision, double Recall, int Support);

/// <summary>One bucket of a timeline: traffic, errors, tail latency, live accuracy and drift in [Start, End).</summary>
public sealed record TimelinePoint(
    DateTimeOffset Start,
    DateTimeOffset End,
    long Requests,
    double ErrorRate,
    double LatencyP99Ms,
    int Labels,
    double? Accuracy,
    double? InputPsi,
    double? PredictionPsi);
