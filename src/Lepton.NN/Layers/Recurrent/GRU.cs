using Lepton.Engine;

namespace Lepton.NN.Layers;

/// <summary>
/// Gated recurrent unit over (N,T,C) batch-first input, as torch.nn.GRU (gate order r, z, n; same state-dict names and
/// layouts). Outputs: the sequence (N,T,D·H) and h_n (L·D,N,H); with lengths or a mask, padding changes nothing.
/// </summary>
public sealed class GRU(int inputSize, int hiddenSize, RecurrentOptions? options = null, Generator? rng = null)
    : RecurrentLayer(3, inputSize, hiddenSize, options, rng)
{
    private protected override bool HasCellState => false;

    public override int OutputArity => 2;
}
