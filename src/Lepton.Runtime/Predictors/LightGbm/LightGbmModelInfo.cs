using System.Text.Json.Nodes;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.LightGbm;

/// <summary>
/// What model.json says of a LightGBM model folder: the task (binary, multiclass, regression), class names in score order,
/// the feature names and categorical features of the <see cref="Lepton.Data.Tables.FeatureMatrix"/> it takes, metrics, and free metadata
/// (learner options, best iteration).
/// </summary>
public sealed record LightGbmModelInfo
{
    public LightGbmModelInfo(TaskKind task, IReadOnlyList<string> featureNames, IReadOnlyList<string>? classNames = null,
        IReadOnlyList<int>? categoricalFeatures = null)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        if (task == TaskKind.MultiLabel)
            throw new ArgumentException("A LightGBM model is binary, multiclass or regression; for several labels at once train one binary model per label.", nameof(task));
        if (featureNames.Count == 0) throw new ArgumentException("A LightGBM model needs at least one feature name, got none.", nameof(featureNames));
        var names = classNames ?? [];
        if (task == TaskKind.Multiclass && names.Count < 2)
            throw new ArgumentException($"A multiclass LightGBM model names at least 2 classes, got {names.Count}.", nameof(classNames));
        if (task == TaskKind.Binary && names.Count is not (0 or 2))
            throw new ArgumentException($"A binary LightGBM model names its classes (negative, positive) or none, got {names.Count}.", nameof(classNames));
        Task = task;
        FeatureNames = featureNames;
        ClassNames = names;
        CategoricalFeatures = categoricalFeatures ?? [];
    }

    public TaskKind Task { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public IReadOnlyList<int> CategoricalFeatures { get; }

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public JsonObject? Metadata { get; init; }

    /// <summary>The probability from which a binary model says the positive class (model.json's task threshold).</summary>
    public double Threshold
    {
        get;
        init => field = value is >= 0 and <= 1 ? value : throw new ArgumentException($"A decision threshold is a probability in [0, 1], got {value}.", nameof(Threshold));
    } = 0.5;

    /// <summary>A regressor's loss as model.json's task records it (<c>poisson</c>, <c>quantile=0.9</c>); null for squared error.</summary>
    public string? Loss { get; init; }

    /// <summary>Raw scores per row: the class count for multiclass, else 1.</summary>
    public int Outputs => Task == TaskKind.Multiclass ? ClassNames.Count : 1;
}
