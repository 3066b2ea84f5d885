using Lepton.Data;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Losses;
using Lepton.NN.Planned;
using Lepton.NN.Serialization;

namespace Lepton.Training;

public sealed partial class Trainer
{
    // The planned steps of the current Fit, by input shape: the full batch and a smaller last one.
    private readonly List<PlannedTrainingStep> _plans = [];
    // Why this Fit records its steps instead (decided at the start, or by the first batch that could not be planned).
    private string? _unplannedReason;

    // Null when a Fit may plan its steps; else why not.
    private string? PlanningRefusal() => !Options.PlannedSteps ? "planned steps are turned off (TrainerOptions.PlannedSteps)"
        : Task is { Kind: not TaskKind.Multiclass } ? $"the task is {Task.Name}; planned steps train multiclass classifiers with cross-entropy only"
        : _lossModule is not CrossEntropyLoss { Options: { Weight: null, LabelSmoothing: 0, Reduction: Reduction.Mean } }
            ? "the loss is not the default cross-entropy (mean, no class weights, no label smoothing)"
        : null;

    // The model's (first) output for a batch: one input, or every input of a model that takes several.
    private Tensor Output(Batch b) => b.MoreInputs is null ? Model.Forward(b.Inputs) : Model.ForwardMany(b.AllInputs)[0];

    // The planned step for this batch, or null when the step must be recorded.
    private PlannedTrainingStep? PlanFor(Batch b)
    {
        if (b.MoreInputs is not null) _unplannedReason ??= "the model takes several inputs; planned steps run one-input chains of layers";
        if (_unplannedReason is not null || b.Inputs.DType != DType.Float32 || b.Targets.DType != DType.Int32 || b.Targets.Rank != 1)
            return null;
        foreach (var p in _plans) if (p.Fits(b.Inputs.Shape)) return p;
        PlannedTrainingStep? plan;
        string? reason;
        try
        {
            plan = PlannedTrainingStep.TryCreate(Model, b.Inputs.Shape, out reason);
        }
        catch (ArgumentException)
        {
            // A batch the model cannot take: the recorded forward raises the layer's error with its usual wording.
            return null;
        }
        if (plan is null)
        {
            _unplannedReason = reason;
            return null;
        }
        if (_plans.Count == 2) _plans.RemoveAt(0);
        _plans.Add(plan);
        return plan;
    }
}
