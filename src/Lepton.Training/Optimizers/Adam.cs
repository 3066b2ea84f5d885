using Lepton.NN;

namespace Lepton.Training.Optimizers;

/// <summary>Options of <see cref="Adam"/>, named and defaulted as in <c>torch.optim.Adam</c>.</summary>
public sealed record AdamOptions(
    double LearningRate = 1e-3,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Eps = 1e-8,
    double WeightDecay = 0);

/// <summary>Adam with bias correction; weight decay is L2 added to the gradient, as in <c>torch.optim.Adam</c>.</summary>
public sealed class Adam : Optimizer
{
    internal static readonly string[] MomentNames = ["exp_avg", "exp_avg_sq"];

    public Adam(IEnumerable<Parameter> parameters, AdamOptions? options = null)
        : base(parameters, (options ?? new AdamOptions()).LearningRate)
    {
        Options = options ?? new AdamOptions();
        AdamMath.Validate("Adam", Options.Beta1, Options.Beta2, Options.Eps, Options.WeightDecay);
    }

    public AdamOptions Options { get; }

    protected override IReadOnlyList<string> StateNames => MomentNames;

    protected override void Update<T>(Span<T> param, ReadOnlySpan<T> grad, StateSpans<T> state, long step, double learningRate) =>
        AdamMath.Update(param, grad, state[0], state[1], step, learningRate, Options.Beta1, Options.Beta2, Options.Eps,
            l2WeightDecay: Options.WeightDecay, decoupledWeightDecay: 0);
}
