using System.Text.Json.Nodes;
using Lepton.Compression.Data;
using Lepton.Compression.Measurement;
using Lepton.NN;
using Lepton.NN.Serialization;
using Lepton.Training;
using Lepton.Training.Callbacks;
using Lepton.Training.Tasks;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Pruning;

/// <summary>
/// What a pruning run did: the model before, right after pruning and after fine-tuning, and where the result went. When
/// cancelled nothing is saved and <see cref="Before"/> and <see cref="After"/> are null.
/// </summary>
public sealed record PruneOutcome(
    string ModelDirectory,
    ModelMeasurement? Before,
    double AccuracyBeforeFineTuning,
    ModelMeasurement? After,
    IReadOnlyList<EpochRecord> FineTuning,
    StructuredPruningReport? Structure,
    double? WeightSparsity,
    bool Cancelled);

/// <summary>
/// Prunes a saved classifier and fine-tunes it to recover: loads the model folder, measures it on the test split, prunes
/// (structured channels, or weight magnitudes with masks that keep the zeros through fine-tuning), fine-tunes with
/// <see cref="Trainer.Fit"/>, and writes an ordinary model folder whose metadata names its parent (lineage) and how it was
/// pruned, then measures the result the same way.
/// </summary>
public static class PruneWorkflow
{
    public static PruneOutcome Run(string sourceFolder, string sourceLabel, CompressionData data, PruneRecipe recipe, string outDir,
        IReadOnlyList<ICallback>? callbacks = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        recipe = (recipe ?? throw new ArgumentNullException(nameof(recipe))).Validate();
        var source = ModelFile.Load(sourceFolder);
        if (source.Spec.Task.Kind != TaskKind.Multiclass)
            throw new ArgumentException($"Pruning fine-tunes and measures classifiers; {sourceLabel} is a {TaskSpec.NameOf(source.Spec.Task.Kind)} model.");
        var sourceReport = ModelMeasurement.Evaluate(source.Model, data.Test);

        // A second copy to prune: the first stays as measured.
        var copy = ModelFile.Load(sourceFolder);
        Module model;
        ModelSpec spec;
        StructuredPruningReport? structure = null;
        PruningMasks? masks = null;
        if (recipe.Structured)
        {
            var result = StructuredPruner.Prune(copy.Model, copy.Spec, new StructuredPruningOptions(recipe.Sparsity, recipe.LinearUnits));
            if (result.Report.Pruned.Count == 0)
                throw new ArgumentException(
                    $"{sourceLabel} has no channels structured pruning can remove: {Describe(result.Report)}. Use magnitude pruning (without --structured) instead.");
            (model, spec, structure) = (result.Model, result.Spec, result.Report);
        }
        else
        {
            (model, spec) = (copy.Model, copy.Spec);
            masks = MagnitudePruner.Prune(model, recipe.Sparsity);
        }
        double pruned = ModelMeasurement.Evaluate(model, data.Test).Accuracy;

        var history = new TrainingHistory();
        if (recipe.FineTuneEpochs > 0)
        {
            var inner = OptimizerFactory.Create(recipe.Optimizer, model.Parameters(), recipe.LearningRate, weightDecay: 0, momentum: 0.9);
            var optimizer = masks is null ? inner : new MaskedOptimizer(inner, masks);
            var trainer = new Trainer(model, optimizer, new MulticlassTask(spec.Task));
            history = trainer.Fit(data.Train, data.Validation.Count > 0 ? data.Validation : null,
                new FitOptions(Epochs: recipe.FineTuneEpochs, BatchSize: recipe.BatchSize, Seed: recipe.Seed), callbacks, ct);
        }
        if (history.Cancelled)
            return new PruneOutcome(outDir, null, pruned, null, history.Epochs, structure, masks?.Sparsity, Cancelled: true);

        var report = ModelMeasurement.Evaluate(model, data.Test);
        var metrics = new Dictionary<string, double>
        {
            ["test_accuracy"] = report.Accuracy,
            ["test_macro_f1"] = report.MacroAverage.F1,
            ["parameters"] = model.ParameterCount,
            ["source_test_accuracy"] = sourceReport.Accuracy,
        };
        if (report.Loss is { } loss) metrics["test_loss"] = loss;
        if (masks is not null) metrics["weight_sparsity"] = masks.Sparsity;
        ModelFile.Save(outDir, model, spec with { Metrics = metrics, Metadata = Lineage(spec.Metadata, sourceLabel, data.Reference, recipe, structure) });
        // Source and result timed in alternation, each as serving loads it.
        var speeds = ModelMeasurement.ServedSpeeds([sourceFolder, outDir], recipe.TimingBatch, recipe.TimingRepeats, ct);
        var before = new ModelMeasurement(sourceReport.Accuracy, source.Model.ParameterCount, ModelMeasurement.NonZero(source.Model), speeds[0]);
        var after = new ModelMeasurement(report.Accuracy, model.ParameterCount, ModelMeasurement.NonZero(model), speeds[1]);
        return new PruneOutcome(outDir, before, pruned, after, history.Epochs, structure, masks?.Sparsity, Cancelled: false);
    }

    /// <summary>The skipped groups in one line, for errors and summaries.</summary>
    public static string Describe(StructuredPruningReport report) => report.Skipped.Count == 0 ? "no convolution makes channels that later layers read"
        : string.Join("; ", report.Skipped.Select(s => $"{string.Join("+", s.Layers)} ({s.Channels} channels): {s.Reason}"));

    private static JsonObject Lineage(JsonObject? metadata, string parent, string dataset, PruneRecipe recipe, StructuredPruningReport? structure)
    {
        var m = metadata is null ? new JsonObject() : (JsonObject)metadata.DeepClone();
        m["parent_model"] = parent;
        m["dataset"] = dataset;
        var compression = new JsonObject
        {
            ["method"] = recipe.Structured ? "structured-channel-pruning" : "magnitude-pruning",
            ["sparsity"] = recipe.Sparsity,
            ["fine_tune_epochs"] = recipe.FineTuneEpochs,
            ["learning_rate"] = recipe.LearningRate,
            ["optimizer"] = recipe.Optimizer,
            ["seed"] = recipe.Seed,
        };
        if (structure is not null)
        {
            compression["groups"] = new JsonArray(structure.Pruned.Select(g => (JsonNode)new JsonObject
            {
                ["layers"] = new JsonArray(g.Layers.Select(l => (JsonNode)l).ToArray()),
                ["before"] = g.Before,
                ["after"] = g.After,
                ["criterion"] = g.Criterion,
            }).ToArray());
            compression["skipped"] = new JsonArray(structure.Skipped.Select(s => (JsonNode)new JsonObject
            {
                ["layers"] = new JsonArray(s.Layers.Select(l => (JsonNode)l).ToArray()),
                ["channels"] = s.Channels,
                ["reason"] = s.Reason,
            }).ToArray());
        }
        m["compression"] = compression;
        m["created_utc"] = DateTime.UtcNow.ToString("O");
        return m;
    }
}
