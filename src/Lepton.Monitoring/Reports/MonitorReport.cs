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
/// profile (null/empty when it has none) and the live metric of the version's task from feedback for one version, or for all
/// versions pooled (Version null): Accuracy for classifiers, LiveError for regressors (each null without scored labels).
/// Task is the task name in model.json (multiclass, binary, multilabel, regression); SkippedLabels counts feedback rows
/// whose predicted or true text does not parse for that task (and so are in neither metric).
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
    LiveAccuracy? Accuracy,
    LiveError? LiveError = null,
    string Task = "multiclass",
    int SkippedLabels = 0,
    TextDrift? TextDrift = null,
    IReadOnlyList<FeatureDrift>? FeatureDrift = null,
    InputDrift? PredictionValueDrift = null)
{
    /// <summary>
    /// The largest input PSI: of the input statistics, for a text model of the token-frequency and script mixes, for a table model of
    /// its feature columns but the time column; null without drift.
    /// </summary>
    public double? MaxInputPsi =>
        InputDrift.Select(d => d.Psi).Concat(TextDrift is { } t ? [t.TokenFrequencyPsi, t.ScriptMixPsi] : [])
            .Concat(Features.Where(f => !f.Time).Select(f => f.Psi)).DefaultIfEmpty(double.NaN).Max() is var m && double.IsNaN(m) ? null : m;

    /// <summary>A table model's per-column drift (empty for other models).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<FeatureDrift> Features => FeatureDrift ?? [];

    /// <summary>A yes/no table model's answers across the groups of the columns <c>lepton monitor --groups</c> named (empty unless asked).</summary>
    public IReadOnlyList<LiveGroups> Groups { get; init; } = [];

    /// <summary>A classifier's probabilities against the outcomes clients reported (null without labelled answers that carried them).</summary>
    public LiveCalibration? Calibration { get; init; }

    /// <summary>How often the version's conformal intervals or prediction sets held the clients' labels; null without intervals or labels.</summary>
    public LiveCoverage? Coverage { get; init; }

    /// <summary>A model trained with a weight column: its live score with each labelled row counting that column's value; null otherwise.</summary>
    public LiveWeighted? Weighted { get; init; }
}

/// <summary>
/// The live score of a model trained with a weight column, each labelled row counting its <paramref name="Column"/> value in the row it
/// was asked about (<paramref name="Labels"/> rows carried one): a classifier's accuracy, a regressor's MAE, RMSE and its loss's metric.
/// </summary>
public sealed record LiveWeighted(string Column, int Labels)
{
    public double? Accuracy { get; init; }

    public double? Mae { get; init; }

    public double? Rmse { get; init; }

    /// <summary>A regressor trained with another loss than squared error: that loss's metric (<c>Poisson deviance</c>) and its weighted live value.</summary>
    public string? LossMetric { get; init; }

    public double? LossValue { get; init; }

    /// <summary>A regressor's weighted error as the loop judges it: its loss's metric, else RMSE; null for a classifier.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? Error => LossValue ?? Rmse;
}

/// <summary>
/// Drift of one feature column of a table model against its training rows: PSI (numbers over the reference deciles, categories
/// over the reference categories), a KS test (numbers and date-times) or a chi-square test (categories and booleans), and the
/// missing rate in training and live. <paramref name="Time"/>: the table's time column, newer in live traffic by nature, so its
/// drift is shown but counts neither in <see cref="VersionReport.MaxInputPsi"/> nor in a rule over every column.
/// </summary>
public sealed record FeatureDrift(string Column, string Kind, double Psi, double? KsStatistic, double? KsPValue, double? ChiSquare, double? ChiSquarePValue,
    double ReferenceMissingRate, double LiveMissingRate, bool Time = false)
{
    /// <summary>How far the missing rate moved (absolute, in rate units).</summary>
    public double MissingRateChange => Math.Abs(LiveMissingRate - ReferenceMissingRate);
}

/// <summary>
/// Drift of a text model's live texts as wholes against its training texts: PSI and a chi-square test of the tokens'
/// frequency-bin mix (a shift towards rare or unseen tokens is new vocabulary), PSI of the characters' script mix, and the
/// live script shares.
/// </summary>
public sealed record TextDrift(double TokenFrequencyPsi, double TokenFrequencyChiSquare, double TokenFrequencyPValue, double ScriptMixPsi,
    IReadOnlyDictionary<string, double> ScriptShares);

/// <summary>Drift of one input statistic (mean, std, min, max of each request; chars, tokens, unknown and rare-token rates of each text): PSI over the reference deciles and a KS test against the reference sample.</summary>
public sealed record InputDrift(string Statistic, double Psi, double KsStatistic, double KsPValue);

/// <summary>Drift of the predicted-class mix from the reference predictions: PSI and a chi-square goodness-of-fit test.</summary>
public sealed record PredictionDrift(double Psi, double ChiSquare, int DegreesOfFreedom, double PValue);

/// <summary>
/// Accuracy of the logged predictions against the labels clients sent back (multi-label: subset accuracy, the share of
/// exact label-set matches), with precision and recall per class or label. F1 is the task's F1: the positive class's for a
/// binary model (also in Positive), micro F1 over all labels for a multi-label model, null for multiclass.
/// </summary>
public sealed record LiveAccuracy(int Labels, double Accuracy, IReadOnlyList<ClassAccuracy> Classes, double? F1 = null, ClassAccuracy? Positive = null);

/// <summary>Precision and recall of one class (or label) on the labelled predictions; Support is the number of true labels of that class.</summary>
public sealed record ClassAccuracy(string Name, double Precision, double Recall, int Support)
{
    /// <summary>The harmonic mean of precision and recall; 0 when both are 0.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

/// <summary>
/// Error of a regressor's logged predictions against the values clients sent back: mean absolute error and root mean
/// squared error per target, and their means over the targets (Mae, Rmse).
/// </summary>
public sealed record LiveError(int Labels, double Mae, double Rmse, IReadOnlyList<TargetError> Targets)
{
    /// <summary>
    /// Share of the values sent back at or under the prediction (over every target): about q for a model trained with
    /// <c>--loss quantile=q</c>, about one half for a mean; far from it, the model now over- or under-predicts.
    /// </summary>
    public double? Coverage { get; init; }

    /// <summary>A regressor trained with another loss than squared error: that loss's metric (<c>Poisson deviance</c>) and its live value.</summary>
    public string? LossMetric { get; init; }

    public double? LossValue { get; init; }
}

/// <summary>Mean absolute and root mean squared error of one regression target on the labelled predictions.</summary>
public sealed record TargetError(string Name, double Mae, double Rmse);

/// <summary>
/// One bucket of a timeline: traffic, errors, tail latency, the live metric (accuracy for classifiers, mean absolute error
/// for regressors) and drift in [Start, End).
/// </summary>
public sealed record TimelinePoint(
    DateTimeOffset Start,
    DateTimeOffset End,
    long Requests,
    double ErrorRate,
    double LatencyP99Ms,
    int Labels,
    double? Accuracy,
    double? InputPsi,
    double? PredictionPsi,
    double? Mae = null)
{
    /// <summary>A classifier's labelled answers: mean probability of the positive class (multiclass: confidence in the answer) and the rate it happened at (multiclass: accuracy).</summary>
    public (double MeanProbability, double ObservedRate)? Calibration { get; init; }

    /// <summary>How often the labelled answers' conformal intervals or sets held the truth (each version judged by its own), and the level they promise.</summary>
    public (double Coverage, double Level)? Coverage { get; init; }

    /// <summary>A model trained with a weight column: the bucket's live score with each labelled row counting its weight.</summary>
    public LiveWeighted? Weighted { get; init; }
}
