using Lepton.Data.Tables;
using Lepton.Runtime;

namespace Lepton.Training.Classic;

/// <summary>A trained tabular model of any learner: predictions, feature contributions, and a model folder a predictor kind serves.</summary>
public interface ITabularModel
{
    /// <summary>The learner's name, e.g. <c>gbdt</c>, <c>random_forest</c>, <c>logistic</c>, <c>ridge</c>.</summary>
    string Learner { get; }

    TabularTask Task { get; }

    /// <summary>(N, K) class probabilities, (N, 1) the positive class's probability, or (N, 1) values; row-major.</summary>
    double[] Predict(FeatureMatrix rows);

    /// <summary>Per-row contributions of each feature to the raw outputs.</summary>
    FeatureContributions Contributions(FeatureMatrix rows);

    /// <summary>How a binary model's threshold (<see cref="TabularTask.Threshold"/>) was set; null when it was left at 0.5.</summary>
    ThresholdChoice? ThresholdChoice { get; }

    /// <summary>The same model deciding at <paramref name="choice"/>'s threshold (binary tasks only); the fitted parameters are shared.</summary>
    ITabularModel WithThreshold(ThresholdChoice choice);

    /// <summary>Writes the model folder (LightGBM: model.txt + model.json; linear: a Lepton network).</summary>
    void Save(string folder);
}
