using System.Text.Json.Nodes;
using Lepton.Data.Tables;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using LinearLayer = Lepton.NN.Layers.Linear;

namespace Lepton.Runtime.Tables;

/// <summary>
/// Integrated gradients (Sundararajan et al. 2017) of a ReLU perceptron table model — Linear, then (ReLU, Linear) repeated — from
/// a baseline row (the training means) to each row: feature j gets (x_j − b_j)·∫₀¹ ∂f/∂x_j(b + α(x − b)) dα, the bias is f(b), and
/// they sum to the raw output f(x). Computed exactly: along the straight path the network is piecewise linear, so the path is
/// cut where a hidden unit changes sign and each piece's constant gradient is integrated in closed form, no step count to tune.
/// The trainer's model and the server use this one class, so both explain with the same numbers.
/// </summary>
public sealed class MlpContributions : IFeatureContributor
{
    /// <summary>metadata.kind of an MLP table model's model.json.</summary>
    public const string KindName = "mlp";

    /// <summary>The name of the method in explanations.</summary>
    public const string MethodName = "integrated-gradients";

    // The most path pieces one row may take: each hidden unit of the first layer flips at most once, deeper ones a few times;
    // this bound is never reached by a sane network and keeps a degenerate one from looping.
    private const int MaxPieces = 1_000_000;

    private readonly double[][] _weights; // per layer: (out, in) row-major
    private readonly double[][] _biases;  // per layer: (out)
    private readonly int[] _widths;       // input, hidden..., outputs
    private readonly double[] _baseline;  // (F)
    private readonly double[] _baselineOutputs; // (K): f(baseline)

    private MlpContributions(IReadOnlyList<string> featureNames, double[][] weights, double[][] biases, int[] widths, double[] baseline)
    {
        (FeatureNames, _weights, _biases, _widths, _baseline) = (featureNames, weights, biases, widths, baseline);
        _baselineOutputs = Forward(baseline);
    }

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The baseline row the paths start from (the training means of the features).</summary>
    public IReadOnlyList<double> Baseline => _baseline;

    /// <summary>Raw outputs per row: the last layer's width.</summary>
    public int Outputs => _widths[^1];

    /// <summary>
    /// The contributions of <paramref name="network"/> (Linear, then ReLU and Linear pairs) over features <paramref name="featureNames"/>
    /// from <paramref name="baseline"/>; the weights are copied, so later changes to the network do not show.
    /// </summary>
    public static MlpContributions FromNetwork(Module network, IReadOnlyList<string> featureNames, IReadOnlyList<double> baseline)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(baseline);
        var linears = LinearsOf(network)
            ?? throw new ArgumentException($"Integrated gradients here take a chain Linear, (ReLU, Linear)...; got {network}.", nameof(network));
        if (linears[0].InFeatures != featureNames.Count || baseline.Count != featureNames.Count)
            throw new ArgumentException(
                $"The network takes {linears[0].InFeatures} features; got {featureNames.Count} feature names and a baseline of {baseline.Count}.");
        var widths = new int[linears.Count + 1];
        widths[0] = linears[0].InFeatures;
        var weights = new double[linears.Count][];
        var biases = new double[linears.Count][];
        for (int l = 0; l < linears.Count; l++)
        {
            var layer = linears[l];
            if (layer.InFeatures != widths[l])
                throw new ArgumentException($"Layer {l} takes {layer.InFeatures} inputs but the layer before gives {widths[l]}.", nameof(network));
            widths[l + 1] = layer.OutFeatures;
            weights[l] = [.. layer.Weight.Value.Contiguous().ToArray().Select(v => (double)v)];
            biases[l] = layer.Bias is { } b ? [.. b.Value.Contiguous().ToArray().Select(v => (double)v)] : new double[layer.OutFeatures];
        }
        return new MlpContributions(featureNames, weights, biases, widths, [.. baseline]);
    }

    /// <summary>The Linear layers of a chain Linear, (ReLU, Linear)..., or null when <paramref name="network"/> is another shape.</summary>
    public static IReadOnlyList<LinearLayer>? LinearsOf(Module network)
    {
        if (network is not Sequential { Count: > 0 } seq || seq.Count % 2 == 0) return null;
        var result = new List<LinearLayer>();
        for (int i = 0; i < seq.Count; i++)
        {
            if (i % 2 == 0 && seq[i] is LinearLayer linear && linear.Adapter is null) result.Add(linear);
            else if (i % 2 == 1 && seq[i] is ReLU) continue;
            else return null;
        }
        return result;
    }

    /// <summary>The contributions of an MLP table model folder (metadata.kind "mlp"), or null when the folder holds another kind of model.</summary>
    public static MlpContributions? TryLoad(string folder)
    {
        string specPath = Path.Combine(folder, ModelFile.SpecFileName);
        if (!File.Exists(specPath) || !File.Exists(Path.Combine(folder, ModelFile.WeightsFileName))) return null;
        var spec = ModelSpec.FromJson(File.ReadAllText(specPath), specPath);
        if (spec.Metadata is not { } meta || meta["kind"] is not JsonValue kind || !kind.TryGetValue(out string? k) || k != KindName) return null;
        var loaded = ModelFile.Load(folder);
        var names = (meta["feature_names"] as JsonArray)?.Select(v => v!.GetValue<string>()).ToList()
            ?? throw new InvalidDataException($"{specPath}: metadata.feature_names is missing.");
        var means = (meta["feature_means"] as JsonArray)?.Select(v => v!.GetValue<double>()).ToArray()
            ?? throw new InvalidDataException($"{specPath}: metadata.feature_means is missing.");
        try
        {
            return FromNetwork(InverseLink.Strip(loaded.Model, spec.Task.LogLink) ?? loaded.Model, names, means);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{specPath} says kind \"{KindName}\" but {e.Message}", e);
        }
    }

    /// <summary>Raw outputs (K) of one row in double precision.</summary>
    public double[] Forward(ReadOnlySpan<double> x)
    {
        var h = x.ToArray();
        for (int l = 0; l < _weights.Length; l++)
        {
            var z = Affine(l, h);
            if (l < _weights.Length - 1)
                for (int u = 0; u < z.Length; u++) z[u] = Math.Max(0, z[u]);
            h = z;
        }
        return h;
    }

    // rows: (N, F) → (N, K, F + 1)
    public FeatureContributions Contributions(FeatureMatrix rows)
    {
        Check(rows);
        int f = FeatureNames.Count, k = Outputs;
        var values = new double[rows.Rows * k * (f + 1)];
        var x = new double[f];
        var direction = new double[f];
        var integral = new double[k * f];
        for (int i = 0; i < rows.Rows; i++)
        {
            var row = rows.Row(i);
            for (int j = 0; j < f; j++) { x[j] = row[j]; direction[j] = x[j] - _baseline[j]; }
            Array.Clear(integral);
            double at = 0;
            for (int piece = 0; at < 1; piece++)
            {
                if (piece == MaxPieces) throw new InvalidOperationException($"Integrated gradients: row {i} crossed more than {MaxPieces} linear pieces.");
                // The gradient on the piece that starts at α = at, and how far along the path that piece reaches.
                var (jacobian, length) = Piece(at, direction);
                double step = Math.Min(1 - at, Math.Max(length, 1e-12));
                for (int t = 0; t < integral.Length; t++) integral[t] += step * jacobian[t];
                at += step;
            }
            Write(values, i, integral, direction);
        }
        return new FeatureContributions(rows.Rows, k, FeatureNames, values);
    }

    /// <summary>
    /// The plain reference of <see cref="Contributions"/>: the path integral by the midpoint rule with <paramref name="steps"/> points
    /// (the usual integrated-gradients recipe); it approaches the exact values as the steps grow.
    /// </summary>
    public FeatureContributions ContributionsByMidpoints(FeatureMatrix rows, int steps)
    {
        Check(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        int f = FeatureNames.Count, k = Outputs;
        var values = new double[rows.Rows * k * (f + 1)];
        var direction = new double[f];
        var integral = new double[k * f];
        var point = new double[f];
        for (int i = 0; i < rows.Rows; i++)
        {
            var row = rows.Row(i);
            for (int j = 0; j < f; j++) direction[j] = row[j] - _baseline[j];
            Array.Clear(integral);
            for (int s = 0; s < steps; s++)
            {
                double alpha = (s + 0.5) / steps;
                for (int j = 0; j < f; j++) point[j] = _baseline[j] + alpha * direction[j];
                var jacobian = Jacobian(Masks(point));
                for (int t = 0; t < integral.Length; t++) integral[t] += jacobian[t] / steps;
            }
            Write(values, i, integral, direction);
        }
        return new FeatureContributions(rows.Rows, k, FeatureNames, values);
    }

    // contributions_kj = (x_j − b_j)·∫ ∂f_k/∂x_j, bias_k = f_k(baseline).
    private void Write(double[] values, int row, double[] integral, double[] direction)
    {
        int f = FeatureNames.Count, k = Outputs;
        for (int c = 0; c < k; c++)
        {
            var dst = values.AsSpan((row * k + c) * (f + 1), f + 1);
            for (int j = 0; j < f; j++) dst[j] = integral[c * f + j] * direction[j];
            dst[f] = _baselineOutputs[c];
        }
    }

    // On the path p(α) = b + α·d, from α = at: every hidden pre-activation is z + t·dz for t ≥ 0 until some unit changes sign.
    // Returns the Jacobian (K, F) of that piece and t where the first unit changes sign (∞ when none does).
    private (double[] Jacobian, double Length) Piece(double at, double[] direction)
    {
        int f = _widths[0];
        var h = new double[f];
        for (int j = 0; j < f; j++) h[j] = _baseline[j] + at * direction[j];
        var dh = (double[])direction.Clone();
        var masks = new bool[_weights.Length - 1][];
        double length = double.PositiveInfinity;
        for (int l = 0; l < _weights.Length - 1; l++)
        {
            var z = Affine(l, h);
            var dz = Linear(l, dh);
            var mask = masks[l] = new bool[z.Length];
            for (int u = 0; u < z.Length; u++)
            {
                // Active on the piece when positive, or at zero and rising.
                bool active = z[u] > 0 || (z[u] == 0 && dz[u] > 0);
                mask[u] = active;
                if ((active && dz[u] < 0) || (!active && dz[u] > 0)) length = Math.Min(length, -z[u] / dz[u]);
                if (!active) { z[u] = 0; dz[u] = 0; }
            }
            (h, dh) = (z, dz);
        }
        return (Jacobian(masks), length);
    }

    // Which hidden units are active at a point.
    private bool[][] Masks(double[] point)
    {
        var masks = new bool[_weights.Length - 1][];
        var h = point;
        for (int l = 0; l < _weights.Length - 1; l++)
        {
            var z = Affine(l, h);
            var mask = masks[l] = new bool[z.Length];
            for (int u = 0; u < z.Length; u++)
            {
                mask[u] = z[u] > 0;
                if (!mask[u]) z[u] = 0;
            }
            h = z;
        }
        return masks;
    }

    // ∂f/∂x (K, F) for fixed activation masks: W_L · D_{L−1} · W_{L−1} ⋯ D_1 · W_1, built from the output side.
    private double[] Jacobian(bool[][] masks)
    {
        int last = _weights.Length - 1;
        int k = _widths[^1];
        var j = (double[])_weights[last].Clone(); // (K, width[last])
        for (int l = last - 1; l >= 0; l--)
        {
            int outs = _widths[l + 1], ins = _widths[l];
            var next = new double[k * ins];
            var w = _weights[l];
            var mask = masks[l];
            for (int c = 0; c < k; c++)
            {
                var dst = next.AsSpan(c * ins, ins);
                for (int u = 0; u < outs; u++)
                {
                    double g = j[c * outs + u];
                    if (g == 0 || !mask[u]) continue;
                    var row = w.AsSpan(u * ins, ins);
                    for (int t = 0; t < ins; t++) dst[t] += g * row[t];
                }
            }
            j = next;
        }
        return j;
    }

    private double[] Affine(int layer, ReadOnlySpan<double> h)
    {
        var z = Linear(layer, h);
        var b = _biases[layer];
        for (int u = 0; u < z.Length; u++) z[u] += b[u];
        return z;
    }

    private double[] Linear(int layer, ReadOnlySpan<double> h)
    {
        int outs = _widths[layer + 1], ins = _widths[layer];
        var w = _weights[layer];
        var z = new double[outs];
        for (int u = 0; u < outs; u++)
        {
            double sum = 0;
            var row = w.AsSpan(u * ins, ins);
            for (int t = 0; t < ins; t++) sum += row[t] * h[t];
            z[u] = sum;
        }
        return z;
    }

    private void Check(FeatureMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Columns != FeatureNames.Count)
            throw new ArgumentException($"The MLP takes {FeatureNames.Count} features, got a matrix of {rows.Columns}.", nameof(rows));
    }
}
