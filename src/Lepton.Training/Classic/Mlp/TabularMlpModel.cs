using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Data.Tables;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Serialization;
using Lepton.NN.Tasks;
using Lepton.Runtime;
using Lepton.Runtime.Tables;

namespace Lepton.Training.Classic.Mlp;

/// <summary>
/// How a <see cref="TabularMlp"/> fit ended, per member: epochs run, the epoch with the lowest validation loss and that loss (NaN
/// without validation); whether the members were refitted on every row, and the batch size.
/// </summary>
public sealed record TabularMlpFit(int Members, IReadOnlyList<int> Epochs, IReadOnlyList<int> BestEpochs, IReadOnlyList<double> ValidationLosses, bool Refitted, int BatchSize);

/// <summary>
/// A fitted multilayer perceptron on raw (encoded) features: Linear, then (ReLU, Linear) pairs, with the training standardization
/// folded into the first layer and, for regression, the target scale into the last, so the saved Lepton network takes the
/// features as the encoders write them and the <c>lepton</c> predictor kind serves it unchanged. Outputs are logits (one for
/// binary, K for multiclass) or the value; contributions are integrated gradients from the training means.
/// </summary>
public sealed class TabularMlpModel : ITabularModel
{
    public const string KindName = MlpContributions.KindName;

    private MlpContributions? _contributions;

    public TabularMlpModel(TabularTask task, Sequential network, IReadOnlyList<string> featureNames, double[] featureMeans)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(featureMeans);
        var linears = MlpContributions.LinearsOf(network)
            ?? throw new ArgumentException($"A tabular MLP is Linear, then (ReLU, Linear) pairs; got {network}.", nameof(network));
        int k = task.Kind == TaskKind.Multiclass ? task.ClassCount : 1;
        if (linears[0].InFeatures != featureNames.Count || linears[^1].OutFeatures != k || featureMeans.Length != featureNames.Count)
            throw new ArgumentException(
                $"A tabular MLP for {k} output(s) and {featureNames.Count} features needs a network ({featureNames.Count} → {k}) and {featureNames.Count} means; " +
                $"got ({linears[0].InFeatures} → {linears[^1].OutFeatures}) and {featureMeans.Length} means.");
        (Task, Network, FeatureNames, FeatureMeans) = (task, network, featureNames, featureMeans);
        HiddenLayers = [.. linears.Take(linears.Count - 1).Select(l => l.OutFeatures)];
        network.Eval();
    }

    public string Learner => "mlp";

    public TabularTask Task { get; }

    public ThresholdChoice? ThresholdChoice { get; private init; }

    public ITabularModel WithThreshold(ThresholdChoice choice) =>
        new TabularMlpModel(Task with { Threshold = choice.Threshold }, Network, FeatureNames, FeatureMeans)
        {
            Members = Members, Fit = Fit, Options = Options, ThresholdChoice = choice,
        };

    /// <summary>The network on raw features: Linear, (ReLU, Linear)...; raw outputs are logits or values.</summary>
    public Sequential Network { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Training means of the features: the baseline of the integrated gradients.</summary>
    public double[] FeatureMeans { get; }

    /// <summary>Widths of the (packed) network's hidden layers; each member has these divided by <see cref="Members"/>.</summary>
    public IReadOnlyList<int> HiddenLayers { get; }

    /// <summary>How many networks were averaged into <see cref="Network"/>.</summary>
    public int Members { get; init; } = 1;

    /// <summary>How training ended; null for a model read back from a folder.</summary>
    public TabularMlpFit? Fit { get; init; }

    /// <summary>The options it was trained with; null for a model read back from a folder.</summary>
    public TabularMlpOptions? Options { get; init; }

    public int Outputs => Task.Kind == TaskKind.Multiclass ? Task.ClassCount : 1;

    /// <summary>Raw outputs (N, K) as the served network computes them (float32): logits or values, row-major.</summary>
    public double[] RawScores(FeatureMatrix rows)
    {
        Check(rows);
        if (rows.Rows == 0) return [];
        using var _ = new NoGrad();
        var output = Network.Forward(Tensor.FromArray(rows.Values, rows.Rows, rows.Columns));
        return [.. output.Contiguous().ToArray().Select(v => (double)v)];
    }

    /// <summary>Predictions (N, K): class probabilities (softmax), the positive class's probability (sigmoid), or values.</summary>
    public double[] Predict(FeatureMatrix rows) => RawScoreLink.Apply(Task, RawScores(rows), rows.Rows, Outputs);

    /// <summary>Integrated gradients from the training means (exact along the path); per row and output they sum to the raw output.</summary>
    public FeatureContributions Contributions(FeatureMatrix rows)
    {
        Check(rows);
        _contributions ??= MlpContributions.FromNetwork(Network, FeatureNames, FeatureMeans);
        return _contributions.Contributions(rows);
    }

    /// <summary>
    /// Writes a Lepton model folder: the network in weights.safetensors, model.json with input <c>features</c> (-1, F), the task,
    /// class names and, in metadata, kind <c>mlp</c>, the learner, feature names and means, and how training went.
    /// </summary>
    public void Save(string folder) => Save(folder, null);

    /// <summary>As <see cref="Save(string)"/>, with evaluation <paramref name="metrics"/> recorded in model.json.</summary>
    public void Save(string folder, IReadOnlyDictionary<string, double>? metrics)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var metadata = new JsonObject
        {
            ["kind"] = KindName,
            ["learner"] = Learner,
            ["hidden_layers"] = new JsonArray([.. HiddenLayers.Select(w => (JsonNode?)JsonValue.Create(w / Members))]),
            ["feature_names"] = new JsonArray([.. FeatureNames.Select(n => (JsonNode?)JsonValue.Create(n))]),
            ["feature_means"] = new JsonArray([.. FeatureMeans.Select(m => (JsonNode?)JsonValue.Create(m))]),
            ["contributions"] = MlpContributions.MethodName,
        };
        if (Options is { } o)
        {
            metadata["learning_rate"] = o.LearningRate;
            metadata["weight_decay"] = o.WeightDecay;
            metadata["seed"] = o.Seed;
            metadata["class_weight"] = o.ClassWeights.ToString();
        }
        if (ThresholdChoice is { } choice) metadata["decision_threshold"] = choice.ToJson();
        metadata["members"] = Members;
        if (Fit is { } fit)
        {
            metadata["epochs"] = new JsonArray([.. fit.Epochs.Select(e => (JsonNode?)JsonValue.Create(e))]);
            metadata["best_epochs"] = new JsonArray([.. fit.BestEpochs.Select(e => (JsonNode?)JsonValue.Create(e))]);
            metadata["batch_size"] = fit.BatchSize;
            metadata["refitted"] = fit.Refitted;
            if (fit.ValidationLosses.All(double.IsFinite))
                metadata["validation_losses"] = new JsonArray([.. fit.ValidationLosses.Select(v => (JsonNode?)JsonValue.Create(v))]);
        }
        var spec = new ModelSpec
        {
            Input = new InputSpec("features", [-1, FeatureNames.Count], DType.Float32),
            Task = Task.Spec(),
            ClassNames = Task.ClassNames,
            Metrics = metrics ?? new Dictionary<string, double>(),
            Metadata = metadata,
        };
        // Through a log link the served network ends in Exp: it answers μ, the chain's raw output being log μ.
        ModelFile.Save(folder, InverseLink.Append(Network, Task.Loss.LogLink), spec);
    }

    /// <summary>Reads a folder written by <see cref="Save(string)"/>.</summary>
    public static TabularMlpModel Load(string folder)
    {
        var loaded = ModelFile.Load(folder);
        var spec = loaded.Spec;
        string source = Path.Combine(folder, ModelFile.SpecFileName);
        if (spec.Metadata is not { } meta || meta["kind"]?.GetValue<string>() != KindName || loaded.Model is not Sequential network)
            throw new InvalidDataException($"{source} is not a tabular MLP (metadata.kind \"{KindName}\" and a Sequential network); load it with ModelFile.Load.");
        var names = (meta["feature_names"] as JsonArray)?.Select(v => v!.GetValue<string>()).ToList()
            ?? throw new InvalidDataException($"{source}: metadata.feature_names is missing.");
        var means = (meta["feature_means"] as JsonArray)?.Select(v => v!.GetValue<double>()).ToArray()
            ?? throw new InvalidDataException($"{source}: metadata.feature_means is missing.");
        var task = TabularTask.FromSpec(spec.Task, spec.ClassNames);
        network = InverseLink.Strip(network, task.Loss.LogLink)
                  ?? throw new InvalidDataException($"{source}: a {task.Loss} regressor's network ends in Exp; this one does not.");
        try
        {
            return new TabularMlpModel(task, network, names, means)
            {
                Members = meta["members"]?.GetValue<int>() ?? 1,
                ThresholdChoice = ThresholdChoice.FromJson(meta["decision_threshold"]),
            };
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>One line for logs, e.g. <c>mlp 5 x 64x64, best epochs 17 12 20 9 15, refitted on all rows</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"mlp {Members} x {string.Join("x", HiddenLayers.Select(w => w / Members))}{(Fit is { } f ? $", best epochs {string.Join(" ", f.BestEpochs)}{(f.Refitted ? ", refitted on all rows" : "")}" : "")}");

    private void Check(FeatureMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Columns != FeatureNames.Count)
            throw new ArgumentException($"The MLP takes {FeatureNames.Count} features, got a matrix of {rows.Columns}.", nameof(rows));
    }
}
