using Lepton.Engine;
using Lepton.Engine.Memory;
using Lepton.NN;
using Lepton.NN.Losses;
using Lepton.NN.Planned;
using Lepton.Training.Optimizers;

namespace Lepton.Bench;

/// <summary>
/// The training step Trainer.Fit runs (forward, cross-entropy, backward, Adam): a <see cref="PlannedTrainingStep"/> when the
/// model has one, else the recorded ops in a pooled scope; <c>recorded</c> forces the latter (to compare the two).
/// </summary>
internal sealed class TrainingStep(Sequential model, Adam optimizer, bool recorded = false)
{
    // The recorded step's buffers come back for the next step, as in Trainer.Fit.
    private readonly TensorPool _pool = new();
    private PlannedTrainingStep? _plan;

    /// <summary>"planned" or "recorded": what the last <see cref="Run"/> did.</summary>
    public string Kind { get; private set; } = "none";

    public void Run(Tensor x, Tensor y)
    {
        if (!recorded && (_plan is null || !_plan.Fits(x.Shape))) _plan = PlannedTrainingStep.TryCreate(model, x.Shape, out _);
        if (!recorded && _plan is not null)
        {
            _plan.Run(x, y);
            optimizer.Step(_plan.Gradients);
            Kind = "planned";
            return;
        }
        using var scope = _pool.BeginScope();
        var loss = CrossEntropyLoss.Apply(model.Forward(x), y);
        optimizer.Step(loss.Backward());
        Kind = "recorded";
    }
}
