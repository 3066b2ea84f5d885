using Lepton.Compression.Tuning.Distributed;
using Lepton.Compression.Tuning.Objectives;
using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Scheduling;
using Lepton.Compression.Tuning.Study;
using Lepton.Data;
using Lepton.Engine.Threading;
using Lepton.Registry;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Lepton.Training.Workflows;
using Lepton.Training.Workflows.Tables;

namespace Lepton.Compression.Tuning;

/// <summary>
/// <c>lepton tune</c> as a library call: picks the objective by the data (images through the image-classifier workflow,
/// tables through gradient-boosted trees), divides the engine's threads among the parallel trials, opens or resumes the
/// study, closes the registry runs an interrupted trial left running, runs the trials and registers the best model.
/// </summary>
public static class TrackedTuning
{
    public static async Task<TuneOutcome> RunAsync(TuneRequest request, ModelRegistry registry, string actor,
        Action<IStudy>? opened = null, CancellationToken ct = default)
    {
        if (request.RegisterAs is not null) ModelName.Validate(request.RegisterAs);
        var options = request.Study;
        options.Validate();
        int total = request.Threads > 0 ? request.Threads : CpuParallel.ThreadCount;
        int perTrial = Math.Max(1, total / options.Parallel);
        ITrialObjective objective;
        if (await TrackedTabularTraining.IsTableAsync(registry, request.Base.Data, ct))
        {
            objective = new TableTrialObjective(new TabularRecipe(request.Base.Data, "gbdt", (int)request.Base.Seed, Threads: perTrial,
                ClassWeight: request.ClassWeight, Threshold: request.Threshold) { Loss = request.Loss, Monotone = request.Monotone, Additive = request.Additive, Exclude = request.Exclude, Reweigh = request.Reweigh, Calibrate = request.Calibrate, Intervals = request.Intervals, IntervalsMethod = request.IntervalsMethod, WeightColumn = request.WeightColumn }, request.Space, registry, actor);
            // One fit per trial: nothing to halve.
            options = options with { Halving = new SuccessiveHalving(1, 1, options.Schedule.Eta), Metric = "validation_score" };
        }
        else
        {
            if (request.Threshold is not null || request.ClassWeight is not null || request.Loss is not null || request.Monotone is not null || request.Additive || request.Exclude is not null || request.Reweigh is not null || request.Calibrate is not null || request.Intervals is not null || request.IntervalsMethod is not null || request.WeightColumn is not null)
                throw new ArgumentException($"--threshold, --class-weight, --loss, --monotone, --additive, --exclude, --reweigh, --calibrate, --intervals, --intervals-method and --weight-column tune a table's trials; {request.Base.Data} is not a table data set. Leave them out.");
            var shape = await ShapeAsync(request.Base, registry, request.Space.Parameters.Any(p => p.Name is "width" or "depth"), ct);
            objective = new ImageTrialObjective(request.Base, request.Space, registry, actor, shape, options.Metric);
        }
        objective = new StaleRunClosing(objective, registry, actor);
        IStudy study = request.Shared is { } shared
            ? PostgresStudy.Open(shared.ConnectionString, options, request.Space, objective.Describe(), shared.Options)
            : TuningStudy.Open(options, request.Space, objective.Describe());
        using var disposeShared = study as IDisposable;
        opened?.Invoke(study);

        int threadsBefore = CpuParallel.ThreadCount;
        CpuParallel.ThreadCount = perTrial;
        StudyStop stop;
        try
        {
            stop = await StudyRunner.RunAsync(study, objective, ct);
        }
        finally
        {
            CpuParallel.ThreadCount = threadsBefore;
        }

        var state = study.Snapshot();
        var best = TuningStudy.BestOf(state);
        string? registered = state.Registered;
        if (request.RegisterAs is not null && registered is null && stop != StudyStop.Cancelled
            && best is { Status: TrialStatus.Completed, ModelDirectory: { } dir, RunId: { } runId } && Directory.Exists(dir)
            // Workers of a shared study: the first that finds every trial ended and holds the best model's folder registers it.
            && (study is not PostgresStudy sharedStudy || sharedStudy.ClaimRegistration()))
        {
            var run = await registry.Store.GetRunAsync(runId, ct);
            var version = await registry.RegisterAsync(request.RegisterAs, dir, runId, run?.DatasetRef, actor, ct);
            registered = $"{version.Model}@{version.Version}";
            study.SetRegistered(registered);
        }
        var final = study.Snapshot();
        // A worker of a shared study reports the version another worker registered, once that one has finished.
        return new TuneOutcome(final, stop, best, registered ?? final.Registered, options.Directory, (study as PostgresStudy)?.Worker);
    }

    // What width and depth size the network for; only read when the space has them.
    private static async Task<ImageDataShape> ShapeAsync(ImageClassifierRecipe recipe, ModelRegistry registry, bool needed, CancellationToken ct)
    {
        var fashion = new ImageDataShape(1, 28, 28, 10, 60_000);
        if (!needed || string.Equals(recipe.Data, "fashion-mnist", StringComparison.OrdinalIgnoreCase)) return fashion;
        if (TensorFolder.IsTensorFolder(recipe.Data))
            throw new ArgumentException($"width and depth resize a preset for images; --data {recipe.Data} is a tensor folder. Tune them on an image data set version or fashion-mnist.");
        var version = await DatasetReference.Parse(recipe.Data).ResolveAsync(registry.Store, ct);
        if (!ImageDatasetSummary.IsImageVersion(version))
            throw new ArgumentException($"--data {recipe.Data} is neither an image nor a table data set version; tune on one of those or fashion-mnist.");
        using var images = await ImageDatasets.LoadAsync(registry.Store, registry.Artifacts, version, ct: ct);
        return ImageTrainingData.ShapeOf(images.Manifest);
    }
}
