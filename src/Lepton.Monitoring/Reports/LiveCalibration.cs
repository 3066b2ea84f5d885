namespace Lepton.Monitoring;

/// <summary>
/// Whether a classifier's served probabilities still mean what happens, from client feedback: a yes/no model's mean probability of
/// its positive class against the rate at which the labels say it happened (a multiclass model's mean confidence in its answer
/// against its accuracy), their <see cref="Gap"/>, the Brier score and log loss of the probabilities the clients' labels were
/// scored against, the rows by decile of probability, and for a yes/no model the Hosmer–Lemeshow test over those deciles.
/// </summary>
public sealed record LiveCalibration(int Labels, double MeanProbability, double ObservedRate, double Brier, double LogLoss, IReadOnlyList<CalibrationBin> Bins)
{
    /// <summary>Mean probability minus observed rate: above 0 the model overstates (a balanced model, a world grown safer), below it understates.</summary>
    public double Gap => MeanProbability - ObservedRate;

    /// <summary>Hosmer–Lemeshow's statistic over <see cref="Bins"/> (yes/no models; null for multiclass or too few bins).</summary>
    public double? HosmerLemeshow { get; init; }

    /// <summary>Its p-value (chi-square with bins − 2 degrees of freedom): small when the deciles' rates differ from their probabilities more than chance allows.</summary>
    public double? HosmerLemeshowP { get; init; }
}

/// <summary>Labelled answers in one decile of probability: how many, their mean probability and how often the event happened.</summary>
public sealed record CalibrationBin(int Count, double MeanProbability, double ObservedRate);
