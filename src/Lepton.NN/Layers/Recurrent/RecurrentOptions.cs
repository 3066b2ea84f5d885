namespace Lepton.NN.Layers;

/// <summary>
/// Options of <see cref="LSTM"/> and <see cref="GRU"/>, as torch.nn.LSTM's (input is always batch_first: (N,T,C)).
/// <paramref name="Dropout"/> applies to the outputs of every layer but the last, in training.
/// </summary>
public sealed record RecurrentOptions(int NumLayers = 1, bool Bias = true, bool Bidirectional = false, double Dropout = 0);

/// <summary>What a recurrent layer returns: the output (N,T,D·H) and the final states (L·D,N,H) (C only for LSTM).</summary>
public sealed record RecurrentResult(Engine.Tensor Output, Engine.Tensor H, Engine.Tensor? C);
