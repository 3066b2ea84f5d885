using Lepton.NN;

namespace Lepton.Training.Optimizers;

/// <summary>Options of <see cref="Sgd"/>, named and defaulted as in <c>torch.optim.SGD</c>.</summary>
public sealed record SgdOptions(
    double LearningRate = 1e-2,
    double Momentum = 0,
    double Dampening = 0,
    bool Nesterov = false,
    double WeightDecay = 0);

/// <summary>Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay (PyTorch semantics).</summary>
public sealed class Sgd : Optimizer
{
    private static readonly string[] MomentumState = ["momentum_buffer"];

    public Sgd(IEnumerable<Parameter> parameters, SgdOptions? options = null)
        : base(parameters, (options ?? new SgdOptions()).LearningRate)
    {
        Options = options ?? new SgdOptions();
        if (Options.Momentum < 0) throw new ArgumentOutOfRangeException(nameof(options), $"Sgd: momentum must be >= 0, got {Options.Momentum}.");
        if (Options.WeightDecay < 0) throw new ArgumentOutOfRangeException(nameof(options), $"Sgd: weight decay must be >= 0, got {Options.WeightDecay}.");
        if (Options.Nesterov && (Options.Momentum <= 0 || Options.Dampening != 0))
            throw new ArgumentException($"Sgd: Nesterov momentum needs Momentum > 0 and Dampening = 0, got Momentum={Options.Momentum}, Dampening={Options.Dampening}.", nameof(options));
    }

    public SgdOptions Options { get; }

    protected override IReadOnlyList<string> StateNames => Options.Momentum != 0 ? MomentumState : [];

    // A multiply-add or two per element, no division: a plain elementwise op.
    protected override int ElementCost => 1;

    // Same op order as torch's single-tensor SGD, in the parameter's precision (see SgdMath).
    protected override void Update<T>(Span<T> param, ReadOnlySpan<T> grad, StateSpans<T> state, long step, double learningRate)
    {
        var settings = new SgdMath.Settings<T>(learningRate, Options.WeightDecay, Options.Momentum, Options.Dampening, Options.Nesterov, step == 1);
        SgdMath.Update(param, grad, settings.Momentum ? state[0] : default, settings);
    }
}
