using Lepton.NN.Tasks;
using Lepton.Data.Tables;
using Lepton.NN.Serialization;

namespace Lepton.Training.Classic.Linear;

/// <summary>
/// Linear models fitted with L-BFGS (OWL-QN with an L1 term) in double precision: logistic regression (binary and
/// multinomial), least squares with L2 (ridge) and/or L1 (lasso), Poisson, gamma and Tweedie regression through a log link,
/// and a linear SVM with the squared hinge loss.
/// The model comes back in the raw feature space, ready to save as a Lepton network (one Linear layer).
/// </summary>
public static class LinearLearner
{
    /// <summary>
    /// The loss a task trains with: logistic for classes; for a regression target least squares, or its deviance through a log
    /// link. Absolute and quantile losses are refused: their corners stall a quasi-Newton solver (gbdt and mlp fit them).
    /// </summary>
    public static LinearLoss LossFor(TabularTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.IsClassification) return LinearLoss.Logistic;
        return task.Loss.Kind switch
        {
            RegressionLossKind.Squared => LinearLoss.SquaredError,
            _ when task.Loss.LogLink => LinearLoss.Deviance,
            _ => throw new ArgumentException(
                $"A linear model fits squared error, or poisson, gamma and tweedie through a log link; the {task.Loss} loss needs --model gbdt, random-forest or mlp."),
        };
    }

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
        if (task.IsClassification == (loss is LinearLoss.SquaredError or LinearLoss.Deviance))
            throw new ArgumentException(
                $"The {loss} loss does not fit a {TaskSpec.NameOf(task.Kind)} task: use Logistic or SquaredHinge for classification, SquaredError or Deviance for regression.");
        if (!task.IsClassification && (loss == LinearLoss.Deviance) != task.Loss.LogLink)
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
        var objective = new LinearObjective(z, labels, n, f, k, loss, o.L2, multinomial: k > 1,
            rowWeights: classWeights is null ? null : ClassWeighting.RowWeights(labels, classWeights), regression: task.Loss);
        var theta = new double[objective.Parameters];
        if (loss is LinearLoss.SquaredError or LinearLoss.Deviance)
        {
            // Start the intercept at the mean target (its log through a log link): the rest is a well-scaled problem around 0.
            double sum = 0;
            foreach (var v in labels) sum += v;
            theta[k * f] = loss == LinearLoss.Deviance ? Math.Log(sum / n) : sum / n;
        }
        var mask = new bool[theta.Length];
        Array.Fill(mask, true, 0, k * f);
        // A monotone column keeps its weight's sign; standardizing divides by a positive scale, so the sign carries to raw features.
        o.Monotone.CheckTask(task);
        var signs = new sbyte[theta.Length];
        o.Monotone.PerFeature(x.FeatureNames, x.CategoricalFeatures).CopyTo(signs, 0);
        var result = Lbfgs.Minimize(objective.Evaluate, theta, o.Solver, o.L1, mask, ct, signs);

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
}
