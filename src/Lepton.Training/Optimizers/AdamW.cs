using Lepton.NN;

namespace Lepton.Training.Optimizers;

/// <summary>Options of <see cref="AdamW"/>, named and defaulted as in <c>torch.optim.AdamW</c> (weight decay 0.01).</summary>
public sealed record AdamWOptions(
    double LearningRate = 1e-3,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Eps = 1e-8,
    double WeightDecay = 1e-2);

/// <summary>Adam with decoupled weight decay: parameters shrink by <c>lr * wd</c> before the Adam step (PyTorch semantics).</summary>
public sealed class AdamW : Optimizer
{
    public AdamW(IEnumerable<Parameter> parameters, AdamWOptions? options = null)
        : base(parameters, (options ?? new AdamWOptions()).LearningRate)
    {
        Options = options ?? new AdamWOptions();
        AdamMath.Validate("AdamW", Options.Beta1, Options.Beta2, Options.Eps, Options.WeightDecay);
    }

    public AdamWOptions Options { get; }

    protected override IReadOnlyList<string> StateNames => Adam.MomentNames;

    protected override void Update<T>(Span<T> param, ReadOnlySpan<T> grad, StateSpans<T> state, long step, double learningRate) =>
        AdamMath.Update(param, grad, state[0], state[1], step, learningRate, Options.Beta1, Options.Beta2, Options.Eps,
            l2WeightDecay: 0, decoupledWeightDecay: Options.WeightDecay);
}
