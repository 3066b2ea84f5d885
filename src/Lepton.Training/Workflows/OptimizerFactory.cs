using Lepton.NN;
using Lepton.Training.Optimizers;
using Lepton.Training.Schedules;

namespace Lepton.Training.Workflows;

/// <summary>Builds optimizers and schedules from the names used on the command line and in recipes.</summary>
public static class OptimizerFactory
{
    public static IReadOnlyList<string> OptimizerNames { get; } = ["adam", "adamw", "sgd"];

    public static IReadOnlyList<string> ScheduleNames { get; } = ["none", "cosine", "onecycle", "step"];

    public static IOptimizer Create(string name, IEnumerable<Parameter> parameters, double lr, double weightDecay, double momentum) =>
        name.ToLowerInvariant() switch
        {
            "adam" => new Adam(parameters, new AdamOptions(LearningRate: lr, WeightDecay: weightDecay)),
            "adamw" => new AdamW(parameters, new AdamWOptions(LearningRate: lr, WeightDecay: weightDecay == 0 ? 0.01 : weightDecay)),
            "sgd" => new Sgd(parameters, new SgdOptions(LearningRate: lr, Momentum: momentum, WeightDecay: weightDecay)),
            _ => throw new ArgumentException($"Unknown optimizer '{name}'. Choose one of: {string.Join(", ", OptimizerNames)}."),
        };

    /// <summary>A per-batch schedule over the whole run, or null for a constant learning rate.</summary>
    public static ILearningRateSchedule? CreateSchedule(string name, double lr, int epochs, int batchesPerEpoch) =>
        name.ToLowerInvariant() switch
        {
            "none" or "" => null,
            "cosine" => new CosineAnnealingSchedule(lr, Math.Max(1, epochs * batchesPerEpoch)),
            "onecycle" => new OneCycleSchedule(lr, Math.Max(1, epochs * batchesPerEpoch)),
            "step" => new StepSchedule(lr, Math.Max(1, batchesPerEpoch * Math.Max(1, epochs / 3)), 0.1),
            _ => throw new ArgumentException($"Unknown schedule '{name}'. Choose one of: {string.Join(", ", ScheduleNames)}."),
        };
}
