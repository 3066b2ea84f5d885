using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Data.Tables;
using Lepton.Engine;
using Lepton.NN;
using LinearLayer = Lepton.NN.Layers.Linear;
using Lepton.NN.Serialization;
using Lepton.NN.Tasks;
using Lepton.Runtime;
using Lepton.Runtime.Tables;

namespace Lepton.Training.Classic.Linear;

/// <summary>
/// A fitted linear model on raw features: outputs = W x + b with W (K, F), K = classes for multiclass, else 1. Saved as a
/// Lepton network of one Linear layer (then Exp for a Poisson, gamma or Tweedie regression), so the <c>lepton</c> predictor kind
/// serves it; feature means travel in model.json for exact contributions W_kj·(x_j − mean_j).
/// </summary>
public sealed record LinearModel : ITabularModel
{
    public const string KindName = "linear";

    public LinearModel(TabularTask task, LinearLoss loss, IReadOnlyList<string> featureNames, double[] weights, double[] bias, double[] featureMeans)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        ArgumentNullException.ThrowIfNull(featureMeans);
        int k = task.Kind == TaskKind.Multiclass ? task.ClassCount : 1;
        if (bias.Length != k || weights.Length != k * featureNames.Count || featureMeans.Length != featureNames.Count)
            throw new ArgumentException(
                $"A linear model with {k} output(s) and {featureNames.Count} features needs weights ({k}, {featureNames.Count}), bias ({k}) and {featureNames.Count} means; got {weights.Length}, {bias.Length} and {featureMeans.Length} values.");
        (Task, Loss, FeatureNames, Weights, Bias, FeatureMeans) = (task, loss, featureNames, weights, bias, featureMeans);
    }

    public TabularTask Task { get; private init; }

    public ThresholdChoice? ThresholdChoice { get; private init; }

    /// <summary>How the training rows were weighed by class (recorded in model.json).</summary>
    public ClassWeighting ClassWeights { get; init; } = ClassWeighting.None;

    /// <summary>The columns whose weight was held to a sign (recorded in model.json).</summary>
    public MonotoneConstraints Monotone { get; init; } = MonotoneConstraints.None;

    public ITabularModel WithThreshold(ThresholdChoice choice) =>
        this with { Task = Task with { Threshold = choice.Threshold }, ThresholdChoice = choice };

    public LinearLoss Loss { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>(K, F) row-major, on raw features.</summary>
    public double[] Weights { get; }

    public double[] Bias { get; }

    /// <summary>Training means of the features: the reference point of <see cref="Contributions"/>.</summary>
    public double[] FeatureMeans { get; }

    public double L2 { get; init; }

    public double L1 { get; init; }

    /// <summary>How the solver ended; null for a model read back from a folder.</summary>
    public LbfgsResult? Fit { get; init; }

    public int Outputs => Bias.Length;

    /// <summary>
    /// The learner's name in model.json: <c>logistic</c>, <c>ridge</c>, <c>lasso</c>, <c>elastic_net</c>, <c>least_squares</c>,
    /// <c>linear_svm</c>, or <c>poisson_regression</c>, <c>gamma_regression</c>, <c>tweedie_regression</c>.
    /// </summary>
    public string Learner => Loss switch
    {
        LinearLoss.Logistic => "logistic",
        LinearLoss.SquaredHinge => "linear_svm",
        LinearLoss.Deviance or LinearLoss.Pinball => DevianceLearner(Task.Loss),
        _ => (L1 > 0, L2 > 0) switch { (true, true) => "elastic_net", (true, false) => "lasso", (false, true) => "ridge", _ => "least_squares" },
    };

    /// <summary>
    /// The learner's name of a linear model fitted with <paramref name="loss"/> (not squared error): <c>poisson_regression</c>, ...,
    /// <c>median_regression</c> (absolute) and <c>quantile_regression</c>.
    /// </summary>
    public static string DevianceLearner(RegressionLoss loss) =>
        loss.Kind == RegressionLossKind.Absolute ? "median_regression" : $"{loss.Kind.ToString().ToLowerInvariant()}_regression";

    /// <summary>Raw outputs (N, K): logits (logistic), margins (SVM) or values (regression), row-major.</summary>
    public double[] RawScores(FeatureMatrix rows)
    {
        Check(rows);
        int f = FeatureNames.Count, k = Outputs;
        var result = new double[rows.Rows * k];
        for (int i = 0; i < rows.Rows; i++)
        {
            var x = rows.Row(i);
            for (int c = 0; c < k; c++)
            {
                double sum = Bias[c];
                var w = Weights.AsSpan(c * f, f);
                for (int j = 0; j < f; j++) sum += w[j] * x[j];
                result[i * k + c] = sum;
            }
        }
        return result;
    }

    /// <summary>
    /// Predictions (N, K): class probabilities (softmax) or the positive class's probability (sigmoid) for logistic models,
    /// values for regression; an SVM's margins go through the same transforms and are scores, not calibrated probabilities.
    /// </summary>
    public double[] Predict(FeatureMatrix rows) => RawScoreLink.Apply(Task, RawScores(rows), rows.Rows, Outputs);

    /// <summary>Exact contributions W_kj·(x_j − mean_j), with bias b_k + Σ_j W_kj·mean_j (the output at the mean row).</summary>
    public FeatureContributions Contributions(FeatureMatrix rows)
    {
        Check(rows);
        int f = FeatureNames.Count, k = Outputs;
        var values = new double[rows.Rows * k * (f + 1)];
        var atMean = new double[k];
        for (int c = 0; c < k; c++)
        {
            double b = Bias[c];
            for (int j = 0; j < f; j++) b += Weights[c * f + j] * FeatureMeans[j];
            atMean[c] = b;
        }
        for (int i = 0; i < rows.Rows; i++)
        {
            var x = rows.Row(i);
            for (int c = 0; c < k; c++)
            {
                var dst = values.AsSpan((i * k + c) * (f + 1), f + 1);
                for (int j = 0; j < f; j++) dst[j] = Weights[c * f + j] * (x[j] - FeatureMeans[j]);
                dst[f] = atMean[c];
            }
        }
        return new FeatureContributions(rows.Rows, k, FeatureNames, values);
    }

    /// <summary>
    /// Writes a Lepton model folder: one Linear(F, K) layer in weights.safetensors, model.json with input <c>features</c> (-1, F),
    /// the task, class names and, in metadata, kind <c>linear</c>, the learner, feature names and means.
    /// </summary>
    public void Save(string folder) => Save(folder, null);

    /// <summary>As <see cref="Save(string)"/>, with evaluation <paramref name="metrics"/> recorded in model.json.</summary>
    public void Save(string folder, IReadOnlyDictionary<string, double>? metrics)
    {
        ArgumentNullException.ThrowIfNull(folder);
        int f = FeatureNames.Count, k = Outputs;
        var layer = new LinearLayer(f, k, rng: new Generator(0));
        var w = layer.Weight.Value.Span<float>();
        for (int t = 0; t < w.Length; t++) w[t] = (float)Weights[t];
        var b = layer.Bias!.Value.Span<float>();
        for (int c = 0; c < k; c++) b[c] = (float)Bias[c];
        var metadata = new JsonObject
        {
            ["kind"] = KindName,
            ["learner"] = Learner,
            ["l2"] = L2,
            ["l1"] = L1,
            ["feature_names"] = new JsonArray(FeatureNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["feature_means"] = new JsonArray(FeatureMeans.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()),
            ["class_weight"] = ClassWeights.ToString(),
            ["monotone"] = Monotone.ToString(),
        };
        if (ThresholdChoice is { } choice) metadata["decision_threshold"] = choice.ToJson();
        if (Fit is { } fit)
        {
            metadata["iterations"] = fit.Iterations;
            metadata["converged"] = fit.Converged;
            metadata["objective"] = fit.Objective;
        }
        var spec = new ModelSpec
        {
            Input = new InputSpec("features", [-1, f], DType.Float32),
            Task = Task.Spec(),
            ClassNames = Task.ClassNames,
            Metrics = metrics ?? new Dictionary<string, double>(),
            Metadata = metadata,
        };
        // A log link serves exp(W x + b), the value itself; contributions stay on the log scale.
        ModelFile.Save(folder, InverseLink.Append(new Sequential(layer), Task.Loss.LogLink), spec);
    }

    /// <summary>Reads a folder written by <see cref="Save"/> (weights come back as the float32 the network serves).</summary>
    public static LinearModel Load(string folder)
    {
        var loaded = ModelFile.Load(folder);
        var spec = loaded.Spec;
        string source = Path.Combine(folder, ModelFile.SpecFileName);
        TabularTask task;
        try
        {
            task = TabularTask.FromSpec(spec.Task, spec.ClassNames);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        if (spec.Metadata is not { } meta || meta["kind"]?.GetValue<string>() != KindName
            || InverseLink.Strip(loaded.Model, task.Loss.LogLink) is not { Count: 1 } seq || seq[0] is not LinearLayer layer)
            throw new InvalidDataException(
                $"{source} is not a linear model (metadata.kind \"{KindName}\" and one Linear layer, then Exp for a log-link loss); load it with ModelFile.Load.");
        var names = (meta["feature_names"] as JsonArray)?.Select(v => v!.GetValue<string>()).ToList()
            ?? throw new InvalidDataException($"{source}: metadata.feature_names is missing.");
        var means = (meta["feature_means"] as JsonArray)?.Select(v => v!.GetValue<double>()).ToArray()
            ?? throw new InvalidDataException($"{source}: metadata.feature_means is missing.");
        var learner = meta["learner"]?.GetValue<string>() ?? "";
        var loss = learner switch
        {
            "logistic" => LinearLoss.Logistic,
            "linear_svm" => LinearLoss.SquaredHinge,
            _ => LinearLearner.LossFor(task),
        };
        var weights = layer.Weight.Value.ToArray().Select(v => (double)v).ToArray();
        var bias = layer.Bias!.Value.ToArray().Select(v => (double)v).ToArray();
        try
        {
            return new LinearModel(task, loss, names, weights, bias, means)
            {
                L2 = meta["l2"]?.GetValue<double>() ?? 0,
                L1 = meta["l1"]?.GetValue<double>() ?? 0,
                ThresholdChoice = ThresholdChoice.FromJson(meta["decision_threshold"]),
                ClassWeights = meta["class_weight"]?.GetValue<string>() is { } cw ? ClassWeighting.Parse(cw) : ClassWeighting.None,
                Monotone = meta["monotone"]?.GetValue<string>() is { } m ? MonotoneConstraints.Parse(m) : MonotoneConstraints.None,
            };
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>One line for logs, e.g. <c>logistic (L2 0.001), 37 iterations, converged</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Learner} (L2 {L2:G3}, L1 {L1:G3}){(Fit is { } r ? $", {r.Iterations} iterations, {(r.Converged ? "converged" : "not converged")}" : "")}");

    private void Check(FeatureMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Columns != FeatureNames.Count)
            throw new ArgumentException($"The linear model takes {FeatureNames.Count} features, got a matrix of {rows.Columns}.", nameof(rows));
    }
}
