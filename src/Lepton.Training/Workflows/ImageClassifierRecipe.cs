using Lepton.NN.Serialization;

namespace Lepton.Training.Workflows;

/// <summary>
/// Everything that decides an image-classifier training run: data, model (a preset name or a path to a
/// model.json / model folder), optimizer and schedule, batching and seed, and the task (null: multiclass, the
/// image-classifier default; it is saved in model.json). <see cref="Augment"/> (e.g. <c>flip,rotate=15,zoom=0.2</c>) augments the
/// training batches. <paramref name="Transfer"/>, when set, starts from a trained model
/// with a new head instead of <paramref name="Model"/> (<c>--from</c>, <c>--freeze</c>, <c>--unfreeze-after</c>, <c>--backbone-lr-scale</c>).
/// <see cref="Resume"/> continues from the last epoch checkpoint in the output folder (<c>--resume</c>).
/// <see cref="LabelSmoothing"/> mixes that share of a uniform target into a classifier's cross-entropy (<c>--label-smoothing</c>);
/// <see cref="ValidationFrequency"/> validates every that many epochs and after the last (<c>--validation-freq</c>).
/// </summary>
public sealed record ImageClassifierRecipe(
    string Data = "fashion-mnist",
    string? DataDir = null,
    string Model = "cnn",
    int Epochs = 5,
    int BatchSize = 64,
    double LearningRate = 1e-3,
    string Optimizer = "adam",
    double WeightDecay = 0,
    double Momentum = 0.9,
    string Schedule = "none",
    double? ClipGradNorm = null,
    double ValidationSplit = 0,
    ulong Seed = 0,
    TaskSpec? Task = null,
    string? Augment = null,
    Transfer.TransferOptions? Transfer = null,
    bool Resume = false,
    double LabelSmoothing = 0,
    int ValidationFrequency = 1);
