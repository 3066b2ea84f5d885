using Lepton.Engine;

namespace Lepton.NN.Layers;

/// <summary>
/// A trainable addition to a linear map's output (a LoRA adapter): the layer computes y = x Wᵀ + b + <see cref="Delta"/>(x).
/// Its parameters are its own, outside the layer's state dict, so the base model saves and loads unchanged.
/// </summary>
public interface ILinearAdapter
{
    int InFeatures { get; }

    int OutFeatures { get; }

    /// <summary>What the adapter adds to the base output. x: (*, in) → (*, out).</summary>
    Tensor Delta(Tensor x);
}
