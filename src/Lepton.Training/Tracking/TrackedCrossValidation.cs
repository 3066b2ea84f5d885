using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Registry;
using Lepton.Registry.Datasets;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.Datasets.Text;
using Lepton.Registry.References;
using Lepton.Training.Callbacks;
using Lepton.Training.Workflows;
using Lepton.Training.Workflows.CrossValidation;
using Lepton.Training.Workflows.Tables;
using Lepton.Training.Workflows.Text;

namespace Lepton.Training.Tracking;

/// <summary>
/// Cross-validation with its runs in the registry (<see cref="CrossValidationRuns"/>): a network recipe on an image data set
/// version, Fashion-MNIST or a tensor folder (each fold's run gets its per-epoch curves), a tabular recipe on a table
/// data set version, or a text recipe on a text data set version.
/// </summary>
public static class TrackedCrossValidation
{
    public static async Task<CrossValidationResult> RunAsync(ImageClassifierRecipe recipe, int folds, ModelRegistry registry, string name, string actor,
        Func<int, IReadOnlyList<ICallback>>? callbacks = null, Action<FoldOutcome>? onFold = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        using var images = await TrackedTraining.LoadImagesAsync(recipe.Data, registry, ct);
        var dataset = images?.Version
            ?? (TensorFolder.IsTensorFolder(recipe.Data)
                ? await DatasetVersions.RecordTensorFolderAsync(registry.Store, recipe.Data, actor, ct)
                : await DatasetVersions.RecordFashionMnistAsync(registry.Store, recipe.DataDir, actor, ct));
        string datasetRef = $"{dataset.Name}@{dataset.Version}";
        var runs = await CrossValidationRuns.StartAsync(registry.Store, name, JsonNode.Parse(JsonSerializer.Serialize(recipe))!.AsObject(), folds, datasetRef,
            recipe.Seed, actor, ct);
        var outcomes = new List<FoldOutcome>();
        try
        {
            var result = await Task.Run(() => ImageCrossValidation.Run(recipe, folds, fold =>
            {
                string id = runs.StartFoldAsync(fold, ct).GetAwaiter().GetResult();
                return [.. callbacks?.Invoke(fold) ?? [], new RunRecorder(registry.Store, id)];
            }, outcome =>
            {
                var tracked = runs.CompleteFoldAsync(outcome, recipe.Epochs + 1).GetAwaiter().GetResult();
                outcomes.Add(tracked);
                onFold?.Invoke(tracked);
            }, images, datasetRef, ct), ct);
            return await CompleteAsync(runs, result, outcomes);
        }
        catch (Exception ex)
        {
            await runs.FailAsync(ex);
            throw;
        }
    }

    public static async Task<CrossValidationResult> RunAsync(TabularRecipe recipe, int folds, ModelRegistry registry, string name, string actor,
        Action<FoldOutcome>? onFold = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        recipe.Validate();
        var version = await DatasetReference.Parse(recipe.Data).ResolveAsync(registry.Store, ct);
        if (!TableDatasetSummary.IsTableVersion(version))
            throw new ArgumentException($"--data {recipe.Data}: {version.Name}@{version.Version} is not a table data set version.");
        var data = await TableDatasets.LoadAsync(registry.Artifacts, version, ct);
        string datasetRef = $"{version.Name}@{version.Version}";
        var runs = await CrossValidationRuns.StartAsync(registry.Store, name, JsonNode.Parse(JsonSerializer.Serialize(recipe))!.AsObject(), folds, datasetRef,
            (ulong)recipe.Seed, actor, ct);
        var outcomes = new List<FoldOutcome>();
        try
        {
            var result = await Task.Run(() => TableCrossValidation.Run(data, recipe, folds,
                fold => runs.StartFoldAsync(fold, ct).GetAwaiter().GetResult(),
                outcome =>
                {
                    var tracked = runs.CompleteFoldAsync(outcome, 1).GetAwaiter().GetResult();
                    outcomes.Add(tracked);
                    onFold?.Invoke(tracked);
                }, ct), ct);
            return await CompleteAsync(runs, result, outcomes);
        }
        catch (Exception ex)
        {
            await runs.FailAsync(ex);
            throw;
        }
    }

    /// <summary>Cross-validates a text recipe on a text data set version; each fold trains in a folder under <paramref name="workDirectory"/>.</summary>
    public static async Task<CrossValidationResult> RunAsync(TextRecipe recipe, int folds, string workDirectory, ModelRegistry registry, string name, string actor,
        Action<FoldOutcome>? onFold = null, Action<string>? log = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        recipe.Validate();
        var version = await DatasetReference.Parse(recipe.Data).ResolveAsync(registry.Store, ct);
        if (!TextDatasetSummary.IsTextVersion(version))
            throw new ArgumentException($"--data {recipe.Data}: {version.Name}@{version.Version} is not a text data set version.");
        var corpus = await TextDatasets.LoadAsync(registry.Artifacts, version, ct);
        string datasetRef = $"{version.Name}@{version.Version}";
        var runs = await CrossValidationRuns.StartAsync(registry.Store, name, JsonNode.Parse(JsonSerializer.Serialize(recipe))!.AsObject(), folds, datasetRef,
            recipe.Seed, actor, ct);
        var outcomes = new List<FoldOutcome>();
        try
        {
            var result = await Task.Run(() => TextCrossValidation.Run(corpus, datasetRef, recipe, folds, workDirectory,
                fold => runs.StartFoldAsync(fold, ct).GetAwaiter().GetResult(),
                outcome =>
                {
                    var tracked = runs.CompleteFoldAsync(outcome, recipe.Epochs + 1).GetAwaiter().GetResult();
                    outcomes.Add(tracked);
                    onFold?.Invoke(tracked);
                }, log, ct), ct);
            return await CompleteAsync(runs, result, outcomes);
        }
        catch (Exception ex)
        {
            await runs.FailAsync(ex);
            throw;
        }
    }

    private static async Task<CrossValidationResult> CompleteAsync(CrossValidationRuns runs, CrossValidationResult result, List<FoldOutcome> tracked)
    {
        var final = new CrossValidationResult(result.Folds, result.Seed, tracked, runs.ParentRunId) { Cancelled = result.Cancelled };
        await runs.CompleteAsync(final);
        return final;
    }
}
