using Lepton.NN.Tasks;
using Lepton.Data.Tables;
using Lepton.NN.Serialization;

namespace Lepton.Training.Classic.Linear;

/// <summary>
/// Linear models fitted with L-BFGS (OWL-QN with an L1 term) in double precision: logistic regression (binary and
/// multinomial), least squares with L2 (ridge) and/or L1 (lasso), Poisson, gamma and Tweedie regression through a log link,
/// median and quantile regression (the pinball loss), and a linear SVM with the squared hinge loss.
/// The model comes back in the raw feature space, ready to save as a Lepton network (one Linear layer).
/// </summary>
public static class LinearLearner
{
    /// <summary>
    /// The loss a task trains with: logistic for classes; for a regression target least squares, its deviance through a log
    /// link, or the pinball loss of an absolute or quantile loss.
    /// </summary>
    public static LinearLoss LossFor(TabularTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.IsClassification) return LinearLoss.Logistic;
        return task.Loss.Kind switch
        {
            RegressionLossKind.Squared => LinearLoss.SquaredError,
            RegressionLossKind.Absolute or RegressionLossKind.Quantile => LinearLoss.Pinball,
            _ => LinearLoss.Deviance,
        };
    }

    /// <summary>The pinball loss's first smoothing, as a share of the target's spread; each stage's is a tenth of the last's.</summary>
    private const double FirstSmoothing = 0.1;

    /// <summary>Most smoothing stages: the last smooths by a ten-millionth of the target's spread.</summary>
    private const int SmoothingStages = 7;

    /// <summary>The continuation stops early once a stage lowers the objective by less than this share of it.</summary>
    private const double StageTolerance = 1e-6;

    public static LinearModel Fit(FeatureMatrix x, float[] labels, TabularTask task, LinearOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(task);
        var o = options ?? new LinearOptions();
        o.Validate();
        task.CheckLabels(labels, x.Rows);
        if (x.Rows < 1) throw new ArgumentException("A linear model needs at least one row, got none.", nameof(x));
        var loss = o.Loss ?? LossFor(task);
        if (task.IsClassification == (loss is LinearLoss.SquaredError or LinearLoss.Deviance or LinearLoss.Pinball))
            throw new ArgumentException(
                $"The {loss} loss does not fit a {TaskSpec.NameOf(task.Kind)} task: use Logistic or SquaredHinge for classification, SquaredError, Deviance or Pinball for regression.");
        if (!task.IsClassification && loss != LossFor(task))
            throw new ArgumentException($"LinearLoss.{loss} does not fit the task's {task.Loss} loss; leave LinearOptions.Loss unset to follow the task.");
        int n = x.Rows, f = x.Columns;
        int k = task.Kind == TaskKind.Multiclass ? task.ClassCount : 1;

        var mean = new double[f];
        var scale = new double[f];
        for (int j = 0; j < f; j++) scale[j] = 1;
        for (int i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < f; j++)
            {
                if (!float.IsFinite(row[j]))
                    throw new ArgumentException(
                        $"Linear learners need finite features; row {i}, feature '{x.FeatureNames[j]}' is {row[j]}. Impute missing values with a column encoder first (LightGBM takes NaN as it is).",
                        nameof(x));
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < f; j++) mean[j] /= n;
        if (o.Standardize)
        {
            var variance = new double[f];
            for (int i = 0; i < n; i++)
            {
                var row = x.Row(i);
                for (int j = 0; j < f; j++) { double d = row[j] - mean[j]; variance[j] += d * d; }
            }
            // Population deviation (as StandardScaler); a constant feature keeps scale 1 and gets weight 0.
            for (int j = 0; j < f; j++) scale[j] = variance[j] > 0 ? Math.Sqrt(variance[j] / n) : 1;
        }
        var center = o.Standardize ? mean : new double[f];
        var z = new double[n * f];
        for (int i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (int j = 0; j < f; j++) z[i * f + j] = (row[j] - center[j]) / scale[j];
        }

        var classWeights = o.ClassWeights.ClassWeights(labels, task);
        // The pinball loss is in the target's units where squared error is in their square, and the weights of standardized features
        // are in the target's units too: L2 / spread keeps its shrinkage the same whatever the unit (prices in cents or in
        // thousands), as it is for squared error; unscaled, a target in the hundreds flattens every slope.
        double l2 = loss == LinearLoss.Pinball ? o.L2 / Spread(labels) : o.L2;
        var objective = new LinearObjective(z, labels, n, f, k, loss, l2, multinomial: k > 1,
            rowWeights: Reweighing.Combine(classWeights is null ? null : ClassWeighting.RowWeights(labels, classWeights), x.Weights), regression: task.Loss);
        var theta = new double[objective.Parameters];
        // Start a regressor's intercept at the mean target (its log through a log link, the quantile for the pinball loss): the rest
        // is a well-scaled problem around 0.
        double average = labels.Average(v => (double)v);
        theta[k * f] = loss switch
        {
            LinearLoss.SquaredError => average,
            LinearLoss.Deviance => Math.Log(average),
            LinearLoss.Pinball => Lepton.Data.Tables.Inspection.TableStatistics.Quantile([.. labels.Select(v => (double)v).Order()], task.Loss.QuantileLevel!.Value),
            _ => 0,
        };
        var mask = new bool[theta.Length];
        Array.Fill(mask, true, 0, k * f);
        // A monotone column keeps its weight's sign; standardizing divides by a positive scale, so the sign carries to raw features.
        o.Monotone.CheckTask(task);
        var signs = new sbyte[theta.Length];
        o.Monotone.PerFeature(x.FeatureNames, x.CategoricalFeatures).CopyTo(signs, 0);
        var result = loss == LinearLoss.Pinball
            ? MinimizePinball(objective, theta, Spread(labels), o, mask, signs, ct)
            : Lbfgs.Minimize(objective.Evaluate, theta, o.Solver, o.L1, mask, ct, signs);

        // Back to raw features: w' = w / scale, b' = b - Σ w' center.
        var weights = new double[k * f];
        var bias = new double[k];
        for (int c = 0; c < k; c++)
        {
            double b = theta[k * f + c];
            for (int j = 0; j < f; j++)
            {
                double w = theta[c * f + j] / scale[j];
                weights[c * f + j] = w;
                b -= w * center[j];
            }
            bias[c] = b;
        }
        return new LinearModel(task, loss, x.FeatureNames, weights, bias, mean)
        {
            L2 = o.L2,
            L1 = o.L1,
            Fit = result,
            ClassWeights = o.ClassWeights,
            Monotone = o.Monotone,
        };
    }

    // The pinball loss has a corner at every row's residual 0, where a quasi-Newton solver stalls: solve smooth versions instead,
    // each from the last one's answer, the smoothing shrinking tenfold from a tenth of the target's spread.
    private static LbfgsResult MinimizePinball(LinearObjective objective, double[] theta, double spread, LinearOptions o, bool[] mask, sbyte[] signs,
        CancellationToken ct)
    {
        objective.Smoothing = FirstSmoothing * spread;
        var result = Lbfgs.Minimize(objective.Evaluate, theta, o.Solver, o.L1, mask, ct, signs);
        for (int stage = 1; stage < SmoothingStages; stage++)
        {
            double previous = result.Objective;
            objective.Smoothing /= 10;
            result = Lbfgs.Minimize(objective.Evaluate, theta, o.Solver, o.L1, mask, ct, signs);
            // A smoothing ten times finer that moved the objective by less than a millionth: the next would move it less still.
            if (previous - result.Objective <= StageTolerance * Math.Abs(result.Objective)) break;
        }
        return result;
    }

    // The targets' standard deviation, or 1 when they are all equal (the smoothing's unit).
    private static double Spread(float[] labels)
    {
        double mean = labels.Average(v => (double)v);
        double ss = labels.Sum(v => (v - mean) * (v - mean));
        double std = Math.Sqrt(ss / labels.Length);
        return std > 0 && double.IsFinite(std) ? std : 1;
    }
}
