using System.Text.Json.Nodes;
using Lepton.Data.Tables;
using Lepton.NN;
using Lepton.NN.Serialization;
using LinearLayer = Lepton.NN.Layers.Linear;

namespace Lepton.Runtime.Tables;

/// <summary>
/// Exact contributions of a linear table model (a Lepton folder of one Linear layer, then Exp for a log-link regressor, with
/// <c>metadata.kind</c> "linear" and the training feature means; a log link's contributions add up to the log of its answer): W_kj·(x_j − mean_j), bias b_k + Σ_j W_kj·mean_j. The same arithmetic as the trainer's LinearModel,
/// read here from the folder because serving does not reference training.
/// </summary>
public sealed class LinearContributions : IFeatureContributor
{
    private readonly double[] _weights; // (K, F) row-major
    private readonly double[] _bias;    // (K)
    private readonly double[] _means;   // (F)

    private LinearContributions(IReadOnlyList<string> featureNames, double[] weights, double[] bias, double[] means) =>
        (FeatureNames, _weights, _bias, _means) = (featureNames, weights, bias, means);

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The contributions of a linear model folder, or null when the folder holds another kind of model.</summary>
    public static LinearContributions? TryLoad(string folder)
    {
        string specPath = Path.Combine(folder, ModelFile.SpecFileName);
        if (!File.Exists(specPath) || !File.Exists(Path.Combine(folder, "weights.safetensors"))) return null;
        var spec = ModelSpec.FromJson(File.ReadAllText(specPath), specPath);
        if (spec.Metadata is not { } meta || meta["kind"] is not JsonValue kind || !kind.TryGetValue(out string? k) || k != "linear") return null;
        var loaded = ModelFile.Load(folder);
        // A log-link regressor ends in Exp; its contributions are those of the raw score, the log of the prediction.
        if (InverseLink.Strip(loaded.Model, spec.Task.LogLink) is not { Count: 1 } seq || seq[0] is not LinearLayer layer)
            throw new InvalidDataException($"{specPath} says kind \"linear\" but the network is not one Linear layer (then Exp for a log-link loss).");
        var names = (meta["feature_names"] as JsonArray)?.Select(v => v!.GetValue<string>()).ToList()
            ?? throw new InvalidDataException($"{specPath}: metadata.feature_names is missing.");
        var means = (meta["feature_means"] as JsonArray)?.Select(v => v!.GetValue<double>()).ToArray()
            ?? throw new InvalidDataException($"{specPath}: metadata.feature_means is missing.");
        var weights = layer.Weight.Value.ToArray().Select(v => (double)v).ToArray();
        var bias = layer.Bias!.Value.ToArray().Select(v => (double)v).ToArray();
        if (means.Length != names.Count || weights.Length != bias.Length * names.Count)
            throw new InvalidDataException($"{specPath}: {names.Count} feature names, {means.Length} means and a ({bias.Length}, {weights.Length / Math.Max(1, bias.Length)}) weight do not fit together.");
        return new LinearContributions(names, weights, bias, means);
    }

    // rows: (N, F) → (N, K, F + 1)
    public FeatureContributions Contributions(FeatureMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int f = FeatureNames.Count, k = _bias.Length;
        if (rows.Columns != f) throw new ArgumentException($"The linear model takes {f} features, got a matrix of {rows.Columns}.", nameof(rows));
        var atMean = new double[k];
        for (int c = 0; c < k; c++)
        {
            atMean[c] = _bias[c];
            for (int j = 0; j < f; j++) atMean[c] += _weights[c * f + j] * _means[j];
        }
        var values = new double[rows.Rows * k * (f + 1)];
        for (int i = 0; i < rows.Rows; i++)
        {
            var x = rows.Row(i);
            for (int c = 0; c < k; c++)
            {
                var dst = values.AsSpan((i * k + c) * (f + 1), f + 1);
                for (int j = 0; j < f; j++) dst[j] = _weights[c * f + j] * (x[j] - _means[j]);
                dst[f] = atMean[c];
            }
        }
        return new FeatureContributions(rows.Rows, k, FeatureNames, values);
    }
}
