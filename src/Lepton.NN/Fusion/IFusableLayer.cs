using Lepton.Engine;

namespace Lepton.NN.Fusion;

/// <summary>
/// A layer that can run as one op together with the layers that directly follow it (conv + ReLU + 2x2 max pooling).
/// Containers apply the fusions their layers declare (<see cref="LayerChain"/>), so a new fusion is one method on the
/// layer that leads it, never a type switch inside Sequential or a graph.
/// </summary>
public interface IFusableLayer
{
    /// <summary>The fusion of this layer with a prefix of <paramref name="next"/>, or null when none applies.</summary>
    LayerFusion? TryFuse(IReadOnlyList<Module> next);
}

/// <summary>
/// A fused run: this layer and the next <paramref name="Absorbed"/> layers as one function, which may return null for an
/// input it does not cover (the layers then run one by one). Errors are attributed to the layer at <paramref name="BlameOffset"/>.
/// </summary>
public sealed record LayerFusion(int Absorbed, Func<Tensor, Tensor?> Forward, int BlameOffset = 0);
