using Lepton.Data.Tables;
using Lepton.Runtime;
using Lepton.Runtime.Calibration;

namespace Lepton.Training.Classic;

/// <summary>
/// A table classifier whose probabilities pass through a <see cref="ProbabilityCalibration"/> fitted on held-out predictions. Its
/// folder is the model's own (LightGBM's model.txt stays LightGBM's, uncalibrated) plus <c>calibration.json</c>, which the predictor
/// loader applies whatever the model's kind; model.json's metadata says how it was fitted.
/// </summary>
public sealed class CalibratedTabularModel : ITabularModel
{
    public CalibratedTabularModel(ITabularModel inner, ProbabilityCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(calibration);
        if (inner is CalibratedTabularModel) throw new ArgumentException("The model is calibrated already; calibrate the model beneath once.", nameof(inner));
        if (!inner.Task.IsClassification) throw new ArgumentException("A regressor has no probabilities to calibrate.", nameof(inner));
        Inner = inner;
        Calibration = calibration;
    }

    /// <summary>The model before calibration.</summary>
    public ITabularModel Inner { get; }

    public ProbabilityCalibration Calibration { get; }

    public string Learner => Inner.Learner;

    public TabularTask Task => Inner.Task;

    public ThresholdChoice? ThresholdChoice => Inner.ThresholdChoice;

    public ITabularModel WithThreshold(ThresholdChoice choice) => new CalibratedTabularModel(Inner.WithThreshold(choice), Calibration);

    public double[] Predict(FeatureMatrix rows)
    {
        var probabilities = Inner.Predict(rows);
        Calibration.ApplyAll(probabilities);
        return probabilities;
    }

    /// <summary>Contributions to the calibrated logits for a yes/no model's sigmoid or a temperature; otherwise to the score before calibration.</summary>
    public FeatureContributions Contributions(FeatureMatrix rows)
    {
        var contributions = Inner.Contributions(rows);
        return Calibration.Rescale(contributions) ?? contributions;
    }

    /// <summary>The model's folder, <c>calibration.json</c>, and model.json's <c>metadata.calibration</c> (method, source, rows).</summary>
    public void Save(string folder)
    {
        Inner.Save(folder);
        Calibration.SaveTo(folder);
    }
}
