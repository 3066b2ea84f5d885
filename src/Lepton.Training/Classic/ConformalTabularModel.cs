using Lepton.Data.Tables;
using Lepton.Runtime;
using Lepton.Runtime.Conformal;

namespace Lepton.Training.Classic;

/// <summary>
/// A table model answered with conformal intervals (regressors) or prediction sets (classifiers) fitted on held-out predictions. Its
/// predictions are the model's own; its folder is the model's plus <c>intervals.json</c>, which servers, <c>predict</c>, <c>eval</c>
/// and monitoring read whatever the model's kind; model.json's metadata says how it was fitted.
/// </summary>
public sealed class ConformalTabularModel : ITabularModel
{
    public ConformalTabularModel(ITabularModel inner, ConformalIntervals intervals)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(intervals);
        if (inner is ConformalTabularModel) throw new ArgumentException("The model has intervals already; fit them on the model beneath once.", nameof(inner));
        if (intervals.IsSet != inner.Task.IsClassification)
            throw new ArgumentException(intervals.IsSet ? "Prediction sets are for a classifier; this model is a regressor." : "Intervals are for a regressor; this model is a classifier.", nameof(intervals));
        Inner = inner;
        Intervals = intervals;
    }

    /// <summary>The model beneath (calibrated, when it was).</summary>
    public ITabularModel Inner { get; }

    public ConformalIntervals Intervals { get; }

    public string Learner => Inner.Learner;

    public TabularTask Task => Inner.Task;

    public ThresholdChoice? ThresholdChoice => Inner.ThresholdChoice;

    public ITabularModel WithThreshold(ThresholdChoice choice) => new ConformalTabularModel(Inner.WithThreshold(choice), Intervals);

    public double[] Predict(FeatureMatrix rows) => Inner.Predict(rows);

    public FeatureContributions Contributions(FeatureMatrix rows) => Inner.Contributions(rows);

    /// <summary>The model's folder, <c>intervals.json</c>, and model.json's <c>metadata.intervals</c> (score, level, source, rows).</summary>
    public void Save(string folder)
    {
        Inner.Save(folder);
        Intervals.SaveTo(folder);
    }

    /// <summary>How the intervals or sets did on rows this model <paramref name="predictions"/> answered (from <see cref="Predict"/>) with their <paramref name="labels"/>.</summary>
    public ConformalCoverage Coverage(double[] predictions, float[] labels)
    {
        if (!Task.IsClassification) return ConformalCoverage.Regression(Intervals, predictions, labels);
        int k = Task.ClassCount, n = labels.Length;
        var truth = new int[n];
        var answered = new int[n];
        for (int i = 0; i < n; i++)
        {
            truth[i] = (int)labels[i];
            answered[i] = k == 2 ? (predictions[i] >= Task.Threshold ? 1 : 0) : ArgMax(predictions.AsSpan(i * k, k));
        }
        return ConformalCoverage.Classifier(Intervals, k, predictions, truth, answered);
    }

    private static int ArgMax(ReadOnlySpan<double> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++) if (row[j] > row[best]) best = j;
        return best;
    }

    /// <summary>The layer of type <typeparamref name="T"/> in <paramref name="model"/>'s wrappers (itself included), or null.</summary>
    public static T? Layer<T>(ITabularModel model) where T : class, ITabularModel => model switch
    {
        T found => found,
        ConformalTabularModel conformal => Layer<T>(conformal.Inner),
        _ => null,
    };
}
