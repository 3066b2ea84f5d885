using Lepton.Engine;
using Lepton.Engine.Autograd;

namespace Lepton.Training;

/// <summary>Gradient-norm clipping with the semantics of <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales every gradient in <paramref name="grads"/> (or only those of <paramref name="parameters"/>)
    /// by <c>maxNorm / (norm + 1e-6)</c> when the global L2 norm exceeds <paramref name="maxNorm"/>.
    /// Returns the norm before clipping. Scaled gradients are new tensors: a gradient tensor may be shared
    /// between several inputs of one op, so it is never scaled in place.
    /// </summary>
    public static double ClipByGlobalNorm(GradStore grads, double maxNorm, IEnumerable<Tensor>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(grads);
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), $"ClipByGlobalNorm: maxNorm must be > 0, got {maxNorm}.");
        var targets = parameters is null
            ? grads.Entries.Select(e => e.Key).ToList()
            : parameters.Where(grads.Contains).ToList();

        double sumSq = 0;
        foreach (var t in targets) sumSq += SquaredNorm(grads.Get(t));
        double norm = Math.Sqrt(sumSq);

        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1)
        {
            using var _ = new NoGrad();
            foreach (var t in targets) grads.Set(t, grads.Get(t).Mul(coef));
        }
        return norm;
    }

    /// <summary>The global L2 norm of the gradients, without changing them.</summary>
    public static double GlobalNorm(GradStore grads)
    {
        ArgumentNullException.ThrowIfNull(grads);
        double sumSq = 0;
        foreach (var (_, g) in grads.Entries) sumSq += SquaredNorm(g);
        return Math.Sqrt(sumSq);
    }

    private static double SquaredNorm(Tensor g)
    {
        var c = g.Contiguous();
        double s = 0;
        switch (c.DType)
        {
            case DType.Float32:
                foreach (var v in c.Span<float>()) s += (double)v * v;
                break;
            case DType.Float64:
                foreach (var v in c.Span<double>()) s += v * v;
                break;
            default:
                throw new InvalidOperationException($"ClipByGlobalNorm: gradient of dtype {c.DType} is not a float tensor.");
        }
        return s;
    }
}
