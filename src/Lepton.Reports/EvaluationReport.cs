using System.Text.Json.Nodes;
using Lepton.Reports.Evaluation;
using Lepton.Reports.Lineage;
using Lepton.Reports.Statistics;
using Lepton.Training.Metrics;
using Lepton.Training.Workflows;

namespace Lepton.Reports;

/// <summary>
/// Everything one model's evaluation report shows, computed once: Training's <see cref="ClassificationReport"/> on the
/// headline examples (the numbers of evaluation.json) with bootstrap intervals, one-vs-rest curves, calibration, metrics per
/// slice (split, each categorical input statistic such as a text's script, each numeric one's quartiles such as brightness or
/// length) over every example, the most confident mistakes and most confused pairs with the views the gallery shows, and lineage.
/// </summary>
public sealed class EvaluationReport
{
    private EvaluationReport(ReportData data, ModelScores scores, ModelScores headline, InputStatistics inputs, ClassificationReport metrics,
        IReadOnlyDictionary<string, Interval> intervals, IReadOnlyList<ClassCurve> curves, Reliability reliability,
        IReadOnlyList<SliceMetrics> slices, IReadOnlyList<Mistake> mistakes, IReadOnlyList<ConfusedPair> pairs, ReportLineage lineage, ReportOptions options, IExampleViews views)
    {
        Views = views;
        Data = data;
        Scores = scores;
        Headline = headline;
        Inputs = inputs;
        Metrics = metrics;
        Intervals = intervals;
        Curves = curves;
        Reliability = reliability;
        Slices = slices;
        Mistakes = mistakes;
        ConfusedPairs = pairs;
        Lineage = lineage;
        Options = options;
    }

    public ReportData Data { get; }

    /// <summary>The model's scores on every example of <see cref="Data"/>.</summary>
    public ModelScores Scores { get; }

    /// <summary>The scores on the headline examples (<see cref="ReportData.HeadlineIndices"/>), in that order.</summary>
    public ModelScores Headline { get; }

    /// <summary>How the gallery shows an example (thumbnails; texts highlighted by this model's token attributions; rows).</summary>
    public IExampleViews Views { get; }

    /// <summary>Raw input statistics of every example (brightness and contrast, length and script, ...).</summary>
    public InputStatistics Inputs { get; }

    /// <summary>Training's report on the headline examples: accuracy, per-class metrics, confusion matrix, ROC-AUC, loss.</summary>
    public ClassificationReport Metrics { get; }

    /// <summary>Bootstrap intervals of accuracy, macro F1 and weighted F1 (see <see cref="Bootstrap"/>).</summary>
    public IReadOnlyDictionary<string, Interval> Intervals { get; }

    public IReadOnlyList<ClassCurve> Curves { get; }

    public Reliability Reliability { get; }

    /// <summary>
    /// For a model served through its <c>calibration.json</c>: the reliability of the same model's probabilities before calibration on
    /// the headline examples, drawn beside <see cref="Reliability"/>; null for an uncalibrated model.
    /// </summary>
    public Reliability? UncalibratedReliability { get; private init; }

    /// <summary>The same report with <paramref name="scores"/>, the model's scores before calibration, giving <see cref="UncalibratedReliability"/>.</summary>
    public EvaluationReport WithUncalibrated(ModelScores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return new(Data, Scores, Headline, Inputs, Metrics, Intervals, Curves, Reliability, Slices, Mistakes, ConfusedPairs, Lineage, Options, Views)
        {
            UncalibratedReliability = ReliabilityOf(scores.Subset(Data.HeadlineIndices), Options),
        };
    }

    public IReadOnlyList<SliceMetrics> Slices { get; }

    /// <summary>The most confident mistakes; indices are <see cref="Data"/>'s example indices.</summary>
    public IReadOnlyList<Mistake> Mistakes { get; }

    /// <summary>The most frequent (true, predicted) mistakes; example indices are <see cref="Data"/>'s.</summary>
    public IReadOnlyList<ConfusedPair> ConfusedPairs { get; }

    public ReportLineage Lineage { get; }

    public ReportOptions Options { get; }

    /// <summary>The same report shown through <paramref name="views"/>.</summary>
    public EvaluationReport WithViews(IExampleViews views) => new(Data, Scores, Headline, Inputs, Metrics, Intervals, Curves, Reliability, Slices, Mistakes,
        ConfusedPairs, Lineage, Options, views ?? throw new ArgumentNullException(nameof(views)))
    {
        UncalibratedReliability = UncalibratedReliability,
    };

    /// <summary>The examples the gallery shows: the most confident mistakes and the confused pairs' examples.</summary>
    public IReadOnlyList<int> GalleryIndices() => [.. Mistakes.Select(m => m.Index).Concat(ConfusedPairs.SelectMany(p => p.Examples.Select(m => m.Index))).Distinct()];

    public string Model => Scores.Model;

    public IReadOnlyList<string> ClassNames => Scores.ClassNames;

    /// <summary>The report's numbers in evaluation.json's format (<see cref="ModelReports.EvaluationJson"/>).</summary>
    public JsonObject EvaluationJson() => ModelReports.EvaluationJson(Metrics);

    /// <summary>The most slices one categorical statistic gets; rarer keys share one "(other)" slice.</summary>
    public const int MaxSlicesPerGroup = 20;

    /// <param name="views">How the gallery shows examples; null: <paramref name="data"/>'s views that need no model.</param>
    public static EvaluationReport Build(ReportData data, ModelScores scores, InputStatistics inputs, ReportLineage lineage, ReportOptions? options = null,
        IExampleViews? views = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(inputs);
        options = (options ?? ReportOptions.Default).Validate();
        if (scores.Count != data.Count || inputs.Count != data.Count || inputs.Numeric.Any(s => s.Values.Length != data.Count) || inputs.Categorical.Any(c => c.Keys.Length != data.Count))
            throw new ArgumentException($"EvaluationReport: {scores.Count} scores and {inputs.Count} input statistics for {data.Count} examples.");
        int k = scores.Classes;
        var headline = scores.Subset(data.HeadlineIndices);
        double loss = headline.Count == 0 ? double.NaN : headline.Losses.Average();
        var metrics = ClassificationReport.FromScores(headline.Probabilities, k, headline.Labels, scores.ClassNames, loss, headline.Predicted);
        var intervals = Bootstrap.ClassificationIntervals(headline.Predicted, headline.Labels, k, options.BootstrapResamples, options.Seed, options.Level);
        var curves = ClassCurves.OneVsRest(headline.Probabilities, headline.Labels, scores.ClassNames, options.CurvePoints);
        var reliability = ReliabilityOf(headline, options);
        var slices = new List<SliceMetrics>();
        slices.AddRange(Statistics.Slices.By("split", data.Splits, scores.Predicted, scores.Labels, k));
        foreach (var c in inputs.Categorical)
            if (c.Keys.Distinct().Skip(1).Any())
                slices.AddRange(Statistics.Slices.By(c.Name, Statistics.Slices.Bounded(c.Keys, MaxSlicesPerGroup), scores.Predicted, scores.Labels, k));
        foreach (var s in inputs.Numeric) slices.AddRange(Statistics.Slices.Quartiles(s.Name, s.Values, scores.Predicted, scores.Labels, k, s.Format));
        var mistakes = ErrorAnalysis.Mistakes(scores.Probabilities, k, scores.Predicted, scores.Labels, data.HeadlineIndices);
        var pairs = ErrorAnalysis.MostConfused(mistakes, options.ConfusedPairs, options.ExamplesPerPair);
        return new EvaluationReport(data, scores, headline, inputs, metrics, intervals, curves, reliability, slices,
            [.. mistakes.Take(options.Mistakes)], pairs, lineage, options, views ?? data.Examples.Views(null));
    }

    // The top-class confidence of each example against whether it was right, in the report's bins.
    private static Reliability ReliabilityOf(ModelScores headline, ReportOptions options)
    {
        var confidence = new double[headline.Count];
        var correct = new bool[headline.Count];
        for (int i = 0; i < headline.Count; i++)
        {
            confidence[i] = headline.Confidence(i);
            correct[i] = headline.IsCorrect(i);
        }
        return Calibration.Of(confidence, correct, options.CalibrationBins);
    }
}
