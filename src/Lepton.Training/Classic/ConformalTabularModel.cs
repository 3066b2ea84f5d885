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

    /// <summary>
    /// The quantile models whose band conformalized quantile intervals widen (<see cref="ConformalIntervals.NeedsBand"/>), saved in
    /// the folders <see cref="ConformalIntervals.BandFolders"/> names; null for intervals around the model's own answers.
    /// </summary>
    public (ITabularModel Lower, ITabularModel Upper)? Band
    {
        get;
        init
        {
            if (value is not null != Intervals.NeedsBand)
                throw new ArgumentException(Intervals.NeedsBand ? "Conformalized quantile intervals need the two quantile models of their band." : "Only conformalized quantile intervals take a band of quantile models.");
            field = value;
        }
    }

    public string Learner => Inner.Learner;

    public TabularTask Task => Inner.Task;

    public ThresholdChoice? ThresholdChoice => Inner.ThresholdChoice;

    public ITabularModel WithThreshold(ThresholdChoice choice) => new ConformalTabularModel(Inner.WithThreshold(choice), Intervals) { Band = Band };

    public double[] Predict(FeatureMatrix rows) => Inner.Predict(rows);

    public FeatureContributions Contributions(FeatureMatrix rows) => Inner.Contributions(rows);

    /// <summary>
    /// The model's folder, <c>intervals.json</c>, model.json's <c>metadata.intervals</c> (score, level, source, rows), and the band's
    /// quantile models each in a folder of its own (a model folder of the learner's kind, which loads anywhere that kind does).
    /// </summary>
    public void Save(string folder)
    {
        Inner.Save(folder);
        if (Band is var (lower, upper))
        {
            foreach (var (model, name) in new[] { (lower, ConformalIntervals.BandFolders.Lower), (upper, ConformalIntervals.BandFolders.Upper) })
            {
                string sub = Path.Combine(folder, name);
                if (Directory.Exists(sub)) Directory.Delete(sub, recursive: true);
                Directory.CreateDirectory(sub);
                model.Save(sub);
            }
            Intervals.SaveTo(folder, ("method", "quantiles"));
        }
        else
        {
            Intervals.SaveTo(folder);
        }
    }

    /// <summary>(N, 2) rows of (lower, upper) the band's models answer for <paramref name="rows"/>; empty without a band.</summary>
    public float[] BandOf(FeatureMatrix rows)
    {
        if (Band is not var (lower, upper)) return [];
        var (low, high) = (lower.Predict(rows), upper.Predict(rows));
        var band = new float[2 * low.Length];
        for (int i = 0; i < low.Length; i++)
        {
            band[2 * i] = (float)low[i];
            band[2 * i + 1] = (float)high[i];
        }
        return band;
    }

    /// <summary>
    /// How the intervals or sets did on <paramref name="rows"/>, which this model <paramref name="predictions"/> answered (from
    /// <see cref="Predict"/>), with their <paramref name="labels"/>.
    /// </summary>
    public ConformalCoverage Coverage(FeatureMatrix rows, double[] predictions, float[] labels)
    {
        if (!Task.IsClassification) return ConformalCoverage.Regression(Intervals, predictions, labels, BandOf(rows));
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
