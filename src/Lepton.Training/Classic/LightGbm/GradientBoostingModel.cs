using Lepton.Data.Tables;
using Lepton.Runtime;
using Lepton.Runtime.LightGbm;

namespace Lepton.Training.Classic.LightGbm;

/// <summary>
/// A trained LightGBM model: its text format, what model.json says of it, the iterations it holds and the validation curve
/// (one entry per iteration up to the best) that chose them. <see cref="Save"/> writes a folder the <c>lightgbm</c> predictor kind serves.
/// </summary>
public sealed record GradientBoostingModel(string ModelText, LightGbmModelInfo Info, TabularTask Task, int Iterations, string Metric,
    IReadOnlyList<double> ValidationCurve) : ITabularModel
{
    /// <summary>The best validation metric (lower is better), at iteration <c>ValidationCurve.Count</c>; null without early stopping.</summary>
    public double? BestValidationScore => ValidationCurve.Count == 0 ? null : ValidationCurve[^1];

    public string Learner => Info.Metadata?["learner"]?.GetValue<string>() ?? "gbdt";

    public ThresholdChoice? ThresholdChoice => ThresholdChoice.FromJson(Info.Metadata?["decision_threshold"]);

    public ITabularModel WithThreshold(ThresholdChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        var metadata = (System.Text.Json.Nodes.JsonObject?)Info.Metadata?.DeepClone() ?? [];
        metadata["decision_threshold"] = choice.ToJson();
        return this with { Task = Task with { Threshold = choice.Threshold }, Info = Info with { Threshold = choice.Threshold, Metadata = metadata } };
    }

    /// <summary>Writes model.txt and model.json into <paramref name="folder"/>.</summary>
    public void Save(string folder) => LightGbmModelFolder.Save(folder, ModelText, Info);

    /// <summary>A predictor over this model (dispose it).</summary>
    public LightGbmPredictor ToPredictor(int numThreads = 0) => new(Info, ModelText, numThreads);

    public double[] Predict(FeatureMatrix rows)
    {
        using var predictor = ToPredictor();
        return predictor.Probabilities(rows);
    }

    public FeatureContributions Contributions(FeatureMatrix rows)
    {
        using var predictor = ToPredictor();
        return predictor.Contributions(rows);
    }
}
