using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>
/// The stack of layers and directions shared by <see cref="LSTM"/> and <see cref="GRU"/>: parameters named and shaped as
/// PyTorch's (<c>weight_ih_l0</c> (G·H,C), <c>weight_hh_l0</c> (G·H,H), <c>bias_ih_l0</c>, <c>bias_hh_l0</c>, <c>…_reverse</c>),
/// one GEMM for the input projection of all steps, then one fused sequence op per layer and direction (time-major inside).
/// Inputs: x (N,T,C) and optionally the lengths (N) or a padding mask (N,T) of right-padded sequences.
/// </summary>
public abstract class RecurrentLayer : Module, ILayerConfig
{
    private readonly (Parameter Wih, Parameter Whh, Parameter? Bih, Parameter? Bhh)[] _cells;
    private readonly Generator _rng;

    private protected RecurrentLayer(int gates, int inputSize, int hiddenSize, RecurrentOptions? options, Generator? rng)
    {
        Options = options ?? new RecurrentOptions();
        var o = Options;
        if (inputSize <= 0 || hiddenSize <= 0 || o.NumLayers <= 0)
            throw new ArgumentException($"{GetType().Name} needs input_size, hidden_size and num_layers > 0, got ({inputSize}, {hiddenSize}, {o.NumLayers}).");
        if (double.IsNaN(o.Dropout) || o.Dropout < 0 || o.Dropout > 1)
            throw new ArgumentException($"{GetType().Name} dropout must be in [0, 1], got {o.Dropout}.");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        rng ??= LayerDefaults.NextLayerGenerator();
        _rng = rng.Fork();
        int dirs = Directions;
        _cells = new (Parameter, Parameter, Parameter?, Parameter?)[o.NumLayers * dirs];
        // torch.nn.LSTM/GRU draw every weight and bias from U(-1/√H, 1/√H).
        double bound = 1 / Math.Sqrt(hiddenSize);
        Tensor Draw(params int[] shape)
        {
            var t = Tensor.Zeros(shape);
            Init.Uniform(t, rng, -bound, bound);
            return t;
        }
        for (int l = 0; l < o.NumLayers; l++)
        {
            int inF = l == 0 ? inputSize : hiddenSize * dirs;
            for (int d = 0; d < dirs; d++)
            {
                string s = Suffix(l, d);
                var wih = RegisterParameter("weight_ih" + s, Draw(gates * hiddenSize, inF));
                var whh = RegisterParameter("weight_hh" + s, Draw(gates * hiddenSize, hiddenSize));
                Parameter? bih = null, bhh = null;
                if (o.Bias)
                {
                    bih = RegisterParameter("bias_ih" + s, Draw(gates * hiddenSize));
                    bhh = RegisterParameter("bias_hh" + s, Draw(gates * hiddenSize));
                }
                _cells[l * dirs + d] = (wih, whh, bih, bhh);
            }
        }
    }

    public int InputSize { get; }

    public int HiddenSize { get; }

    public RecurrentOptions Options { get; }

    private int Directions => Options.Bidirectional ? 2 : 1;

    private protected abstract bool HasCellState { get; }

    public override int InputArity => -1;

    private static string Suffix(int layer, int direction) =>
        "_l" + layer.ToString(CultureInfo.InvariantCulture) + (direction == 1 ? "_reverse" : "");

    /// <summary>The output sequence (N,T,D·H).</summary>
    public override Tensor Forward(Tensor x) => Run(x).Output;

    public override IReadOnlyList<Tensor> ForwardMany(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count is < 1 or > 2)
            throw new ArgumentException($"{TypeName} takes x (N,T,C) and optionally lengths (N) or a mask (N,T), got {inputs.Count} inputs.");
        var r = Run(inputs[0], inputs.Count == 2 ? inputs[1] : null);
        return r.C is null ? [r.Output, r.H] : [r.Output, r.H, r.C];
    }

    /// <summary>
    /// Runs the stack. x: (N,T,C); lengths: (N) sequence lengths, or a (N,T) mask with 1 for real steps, of right-padded
    /// sequences (null: all T steps are real); h0, c0: (L·D,N,H) initial states (null: zeros).
    /// </summary>
    public RecurrentResult Run(Tensor x, Tensor? lengths = null, Tensor? h0 = null, Tensor? c0 = null)
    {
        if (x.Rank != 3 || x.Shape[2] != InputSize)
            throw new ArgumentException($"{TypeName}(input_size={InputSize}) expected input (N,T,{InputSize}) (batch first), got {x.Shape}."
                + (x.Rank == 3 ? $" Did you mean input_size={x.Shape[2]}?" : x.Rank == 2 ? " Add the batch axis: one sequence is (1,T,C)." : ""));
        int n = x.Shape[0], steps = x.Shape[1], dirs = Directions, layers = Options.NumLayers;
        var lens = lengths is null ? null : SequenceLengths.From(lengths, n, steps, TypeName);
        var stateShape = new Shape(layers * dirs, n, HiddenSize);
        foreach (var (name, s) in new[] { ("h0", h0), ("c0", c0) })
            if (s is not null && (s.Shape != stateShape || s.DType != x.DType))
                throw new ArgumentException($"{TypeName}: {name} must be {x.DType} {stateShape} (num_layers·directions, N, hidden_size), got {s.DType} {s.Shape}.");
        var zeros = Tensor.Zeros(new Shape(n, HiddenSize), x.DType);
        var input = x.Transpose(0, 1).Contiguous(); // (T,N,C): each step's rows are contiguous, copied once for both directions
        var hs = new List<Tensor>();
        var cs = new List<Tensor>();
        for (int l = 0; l < layers; l++)
        {
            var outs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++)
            {
                int k = l * dirs + d;
                var (wih, whh, bih, bhh) = _cells[k];
                var xp = input.Linear(wih.Value, bih?.Value); // (T,N,G·H), every step in one GEMM
                var hInit = h0?.Select(0, k) ?? zeros;
                if (HasCellState)
                {
                    var (o, h, c) = Tensor.LstmSequence(xp, whh.Value, bhh?.Value, hInit, c0?.Select(0, k) ?? zeros, lens, reverse: d == 1);
                    outs[d] = o;
                    hs.Add(h);
                    cs.Add(c);
                }
                else
                {
                    var (o, h) = Tensor.GruSequence(xp, whh.Value, bhh?.Value, hInit, lens, reverse: d == 1);
                    outs[d] = o;
                    hs.Add(h);
                }
            }
            input = dirs == 1 ? outs[0] : Tensor.Concat(outs, 2);
            if (l < layers - 1 && IsTraining && Options.Dropout > 0) input = input.Dropout(Options.Dropout, training: true, _rng);
        }
        var output = input.Transpose(0, 1).Contiguous();
        return new RecurrentResult(output, Tensor.Stack(hs, 0), HasCellState ? Tensor.Stack(cs, 0) : null);
    }

    public JsonObject GetConfig() => new()
    {
        ["input_size"] = InputSize,
        ["hidden_size"] = HiddenSize,
        ["num_layers"] = Options.NumLayers,
        ["bias"] = Options.Bias,
        ["bidirectional"] = Options.Bidirectional,
        ["dropout"] = Options.Dropout,
    };

    public override string ToString() =>
        $"{TypeName}({InputSize}, {HiddenSize}, num_layers={Options.NumLayers}, bias={Options.Bias}, batch_first=True, dropout={Options.Dropout}, bidirectional={Options.Bidirectional})";
}
