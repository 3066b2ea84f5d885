using Lepton.Engine;

namespace Lepton.NN.Layers;

/// <summary>
/// A served convolution's weights with the batch normalization after it folded in: w·s and (b − μ)·s + β, with
/// s = γ / √(σ² + ε) per output channel, so conv + BN is one pass over the output instead of two (as ONNX Runtime and
/// TensorRT fold them). Only for weights and statistics that can no longer change (a model prepared for inference): the
/// folded copy is computed once, read-only itself (so the convolution keeps its packed form too), and kept.
/// </summary>
internal sealed class FoldedBatchNorm
{
    // The folded tensors and the read-only storages they were made from (a reloaded state dict brings new storages).
    private sealed record Folded(Storage Weight, Storage? Bias, Storage? Gamma, Storage? Beta, Storage Mean, Storage Var, Tensor W, Tensor B);

    private Folded? _folded;

    /// <summary>The folded (weight, bias), or null when <paramref name="bn"/> trains, has no running statistics, or anything may still change.</summary>
    public (Tensor Weight, Tensor Bias)? Get(Tensor weight, Tensor? bias, BatchNorm bn)
    {
        if (bn.IsTraining || bn.RunningMean is not { } mean || bn.RunningVar is not { } variance || weight.DType != DType.Float32) return null;
        var gamma = bn.Weight?.Value;
        var beta = bn.Bias?.Value;
        if (!ReadOnly(weight) || !ReadOnly(bias) || !ReadOnly(gamma) || !ReadOnly(beta) || !ReadOnly(mean) || !ReadOnly(variance)) return null;
        var cached = _folded;
        if (cached is not null && cached.Weight == weight.Storage && cached.Bias == bias?.Storage && cached.Gamma == gamma?.Storage
            && cached.Beta == beta?.Storage && cached.Mean == mean.Storage && cached.Var == variance.Storage)
            return (cached.W, cached.B);
        var (w, b) = Fold(weight, bias, gamma, beta, mean, variance, bn.Options.Eps);
        _folded = new Folded(weight.Storage, bias?.Storage, gamma?.Storage, beta?.Storage, mean.Storage, variance.Storage, w, b);
        return (w, b);
    }

    private static bool ReadOnly(Tensor? t) => t is null || t.Storage.IsReadOnly;

    // weight: (O, C/groups, k, k); every other tensor (O). Folded in float64, rounded once.
    internal static (Tensor Weight, Tensor Bias) Fold(Tensor weight, Tensor? bias, Tensor? gamma, Tensor? beta, Tensor mean, Tensor variance, double eps)
    {
        int o = weight.Shape[0];
        var w = weight.Contiguous().ToArray();
        int row = w.Length / o;
        var m = mean.Contiguous().ToArray();
        var v = variance.Contiguous().ToArray();
        var g = gamma?.Contiguous().ToArray();
        var be = beta?.Contiguous().ToArray();
        var bi = bias?.Contiguous().ToArray();
        var folded = new float[w.Length];
        var shift = new float[o];
        for (int c = 0; c < o; c++)
        {
            double s = (g?[c] ?? 1.0) / Math.Sqrt(v[c] + eps);
            for (int i = c * row; i < (c + 1) * row; i++) folded[i] = (float)(w[i] * s);
            shift[c] = (float)(((bi?[c] ?? 0.0) - m[c]) * s + (be?[c] ?? 0.0));
        }
        var wt = Tensor.FromArray(folded, weight.Shape.ToArray());
        var bt = Tensor.FromArray(shift, o);
        wt.Storage.MakeReadOnly();
        bt.Storage.MakeReadOnly();
        return (wt, bt);
    }
}
