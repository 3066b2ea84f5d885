using System.Numerics;
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

    protected override void Update<T>(Span<T> param, ReadOnlySpan<T> grad, StateSpans<T> state, long step)
    {
        double lr = LearningRate, wd = Options.WeightDecay, mu = Options.Momentum, damp = Options.Dampening;
        bool nesterov = Options.Nesterov;
        if (mu == 0)
        {
            for (int i = 0; i < param.Length; i++)
            {
                double p = double.CreateTruncating(param[i]);
                // d_p is rounded to T as PyTorch's grad.add(param, alpha=wd) would be.
                double d = Round<T>(double.CreateTruncating(grad[i]) + wd * p);
                param[i] = T.CreateTruncating(p - lr * d);
            }
            return;
        }
        var buf = state[0];
        for (int i = 0; i < param.Length; i++)
        {
            double p = double.CreateTruncating(param[i]);
            double d = wd != 0 ? Round<T>(double.CreateTruncating(grad[i]) + wd * p) : double.CreateTruncating(grad[i]);
            // The first step copies d_p into the buffer, as torch does (no dampening then).
            double b = step == 1 ? d : Round<T>(mu * double.CreateTruncating(buf[i]) + (1 - damp) * d);
            buf[i] = T.CreateTruncating(b);
            double upd = nesterov ? Round<T>(d + mu * b) : b;
            param[i] = T.CreateTruncating(p - lr * upd);
        }
    }

    private static double Round<T>(double v) where T : unmanaged, IFloatingPointIeee754<T> =>
        double.CreateTruncating(T.CreateTruncating(v));
}
