using Lepton.Engine;

namespace Lepton.NN.Layers;

/// <summary>
/// Long short-term memory over (N,T,C) batch-first input, as torch.nn.LSTM (gate order i, f, g, o; same state-dict names and
/// layouts). Outputs: the sequence (N,T,D·H), h_n and c_n (L·D,N,H); with lengths or a mask, padding changes nothing.
/// </summary>
public sealed class LSTM(int inputSize, int hiddenSize, RecurrentOptions? options = null, Generator? rng = null)
    : RecurrentLayer(4, inputSize, hiddenSize, options, rng)
{
    private protected override bool HasCellState => true;

    public override int OutputArity => 3;
}
