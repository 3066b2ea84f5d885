using System.Globalization;
using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Space;
using Lepton.Registry;
using Lepton.Training.Callbacks;
using Lepton.Training.Tracking;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Tuning.Objectives;

/// <summary>
/// A trial that trains an image classifier through <see cref="TrackedTraining"/> (so every trial is a run in the registry
/// and leaves a model folder): the base recipe with the trial's values, planned over the study's full epochs, reporting the
/// validation metric after each epoch through an <see cref="EpochReporter"/> that stops it when successive halving says so.
/// </summary>
public sealed class ImageTrialObjective : ITrialObjective
{
    private readonly ImageClassifierRecipe _base;
    private readonly SearchSpace _space;
    private readonly ModelRegistry _registry;
    private readonly string _actor;
    private readonly ImageDataShape _shape;
    private readonly string _metric;

    /// <param name="shape">The data's image size, channels and classes: what <c>width</c> and <c>depth</c> size the network for.</param>
    public ImageTrialObjective(ImageClassifierRecipe baseRecipe, SearchSpace space, ModelRegistry registry, string actor, ImageDataShape shape,
        string metric = "val_accuracy")
    {
        ImageTrialParameters.Check(space, baseRecipe.Model);
        (_base, _space, _registry, _actor, _shape, _metric) = (baseRecipe, space, registry, actor, shape, metric);
    }

    /// <summary>Further callbacks every trial gets (e.g. a progress display).</summary>
    public IReadOnlyList<ICallback> Callbacks { get; init; } = [];

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"images data={_base.Data} model={_base.Model} batch={_base.BatchSize} lr={_base.LearningRate} optimizer={_base.Optimizer} schedule={_base.Schedule} validation={_base.ValidationSplit} seed={_base.Seed} augment={_base.Augment}");

    public async Task<TrialResult> RunAsync(TrialRun trial, CancellationToken ct)
    {
        // A trial that waited at a rung goes on from the checkpoint it left there, taking the steps it would have taken unpaused.
        bool resume = trial.ResumeEpoch > 0 && TrainingResume.SavedEpoch(trial.Directory) == trial.ResumeEpoch;
        var recipe = ImageTrialParameters.Apply(_base, _space, trial.Parameters) with { Epochs = trial.MaxEpochs, Resume = resume };
        if (_space.Parameters.Any(p => p.Name is "width" or "depth"))
        {
            double width = _space.Parameters.Any(p => p.Name == "width") ? ImageTrialParameters.Number(_space["width"], trial.Parameters["width"], _space["width"].Format(trial.Parameters["width"])) : 1.0;
            int depth = _space.Parameters.Any(p => p.Name == "depth") ? (int)ImageTrialParameters.Number(_space["depth"], trial.Parameters["depth"], _space["depth"].Format(trial.Parameters["depth"])) : 2;
            string path = Path.Combine(Path.GetDirectoryName(trial.Directory)!, "architectures", $"{trial.Name}.json");
            recipe = recipe with { Model = PresetArchitecture.Write(path, _base.Model, width, depth, _shape) };
        }
        var reporter = new EpochReporter(_metric, trial.Report);
        var tracked = await TrackedTraining.RunAsync(recipe, trial.Directory, _registry, null, _actor, [.. Callbacks, reporter], ct);
        string values = string.Join(", ", _space.Describe(trial.Parameters).Select(kv => $"{kv.Key}={kv.Value}"));
        string how = tracked.Outcome.Cancelled ? "interrupted"
            : reporter.StoppedEpoch > 0 ? $"waits at the successive-halving rung after epoch {reporter.StoppedEpoch}"
            : $"trained all {trial.MaxEpochs} epochs";
        if (resume) how = $"went on from its epoch {trial.ResumeEpoch} checkpoint; {how}";
        await _registry.Store.AppendRunLogAsync(tracked.RunId, $"tune trial {trial.Number} ({trial.Name}): {values}; {how}\n", CancellationToken.None);
        var metrics = new Dictionary<string, double>();
        if (tracked.Outcome.TestReport is { } report) metrics["test_accuracy"] = report.Accuracy;
        return new TrialResult(tracked.RunId, trial.Directory, tracked.Outcome.Cancelled) { Metrics = metrics };
    }
}
