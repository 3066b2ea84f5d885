using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.Training.Optimizers;

namespace Lepton.Compression.Pruning;

/// <summary>
/// An optimizer that re-applies pruning masks after every step of the optimizer it wraps, so fine-tuning a magnitude-pruned
/// model through <c>Trainer.Fit</c> never brings a pruned weight back: the weights stay zero whatever the update (momentum,
/// Adam's moments and weight decay included).
/// </summary>
public sealed class MaskedOptimizer(IOptimizer inner, PruningMasks masks) : IOptimizer
{
    public IOptimizer Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public PruningMasks Masks { get; } = masks ?? throw new ArgumentNullException(nameof(masks));

    public IReadOnlyList<Parameter> Parameters => Inner.Parameters;

    public double LearningRate
    {
        get => Inner.LearningRate;
        set => Inner.LearningRate = value;
    }

    public long StepCount => Inner.StepCount;

    public void Step(GradStore grads)
    {
        Inner.Step(grads);
        Masks.Apply();
    }

    public IReadOnlyDictionary<string, Tensor> StateDict() => Inner.StateDict();

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state) => Inner.LoadStateDict(state);
}
