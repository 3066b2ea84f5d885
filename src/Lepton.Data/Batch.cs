using Lepton.Engine;

namespace Lepton.Data;

/// <summary>A mini-batch: inputs (N, ...) and targets (N) of Int32 class ids or (N, ...) of floats.</summary>
public sealed record Batch(Tensor Inputs, Tensor Targets)
{
    public int Count => Inputs.Shape[0];
}
