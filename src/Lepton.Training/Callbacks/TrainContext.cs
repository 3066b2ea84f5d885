using Lepton.NN;
using Lepton.Training.Optimizers;

namespace Lepton.Training.Callbacks;

/// <summary>What callbacks can see of a running <see cref="Trainer.Fit"/>, and the switch to stop it after the current epoch.</summary>
public sealed class TrainContext
{
    internal TrainContext(Module model, IOptimizer optimizer, FitOptions options, int batchesPerEpoch, int trainSamples, bool hasValidation, TrainingHistory history)
    {
        Model = model;
        Optimizer = optimizer;
        Options = options;
        BatchesPerEpoch = batchesPerEpoch;
        TrainSamples = trainSamples;
        HasValidation = hasValidation;
        History = history;
    }

    public Module Model { get; }

    public IOptimizer Optimizer { get; }

    public FitOptions Options { get; }

    public int Epochs => Options.Epochs;

    public int BatchesPerEpoch { get; }

    public int TrainSamples { get; }

    public bool HasValidation { get; }

    public TrainingHistory History { get; }

    /// <summary>Set by a callback to end training after the current epoch.</summary>
    public bool StopTraining { get; private set; }

    public string? StopReason { get; private set; }

    public void RequestStop(string reason)
    {
        StopTraining = true;
        StopReason ??= reason;
    }
}
