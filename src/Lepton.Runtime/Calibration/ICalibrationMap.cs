namespace Lepton.Runtime.Calibration;

/// <summary>A non-decreasing map from a model's score for one class to a calibrated probability of that class.</summary>
public interface ICalibrationMap
{
    /// <summary>The calibrated probability in [0, 1] of <paramref name="score"/>.</summary>
    double Map(double score);
}
