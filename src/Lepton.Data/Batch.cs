using Lepton.Engine;

namespace Lepton.Data;

/// <summary>
/// A mini-batch: inputs (N, ...) and targets (N) of Int32 class ids or (N, ...) of floats. A model with several inputs
/// gets the first in <see cref="Inputs"/> and the others, in the model's order, in <see cref="MoreInputs"/>.
/// </summary>
public sealed record Batch(Tensor Inputs, Tensor Targets, IReadOnlyList<Tensor>? MoreInputs = null)
{
    public int Count => Inputs.Shape[0];

    /// <summary>Every input in the model's order.</summary>
    public IReadOnlyList<Tensor> AllInputs => MoreInputs is null ? [Inputs] : [Inputs, .. MoreInputs];
}
