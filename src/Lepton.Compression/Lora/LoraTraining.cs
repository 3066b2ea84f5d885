using System.Text.Json.Nodes;
using Lepton.Data.Images.Datasets;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Training;
using Lepton.Training.Callbacks;
using Lepton.Training.Tasks;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Lora;

/// <summary>What a LoRA run left: the merged model folder (with its adapter files), the history, and the test metrics of the base and the adapted model.</summary>
public sealed record LoraOutcome(
    string ModelDirectory,
    TrainingHistory History,
    LoraAdapters Adapters,
    long FrozenParameters,
    string BaseWeightsSha256,
    IReadOnlyDictionary<string, double> BaseMetrics,
    IReadOnlyDictionary<string, double> Metrics)
{
    public bool Cancelled => History.Cancelled;

    /// <summary>What trained: the adapters' elements only.</summary>
    public long TrainableParameters => Adapters.ParameterCount;
}

/// <summary>
/// LoRA fine-tuning of a trained model on new data: adapters on the chosen linear maps, every base weight frozen (BatchNorm keeps
/// its statistics), only the adapters in the optimizer. The result is written as a model folder whose weights have the adapters
/// merged in (served like any model, at no extra cost) plus adapter.json and adapter.safetensors (the adapter on its own), with
/// lineage to the base in model.json's metadata.
/// </summary>
public static class LoraTraining
{
    public static LoraOutcome Run(LoraRecipe recipe, string outDir, IReadOnlyList<ICallback>? callbacks = null, CancellationToken ct = default,
        ImageManifest? manifest = null, IImagePixelSource? pixels = null, string? datasetRef = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        recipe.Validate();
        if (Path.GetFullPath(outDir) == Path.GetFullPath(recipe.BaseFolder))
            throw new ArgumentException($"--out {outDir} is the base model's folder; write the adapted model to a new folder.");
        string baseHash = LoraAdapterFile.BaseWeightsHash(recipe.BaseFolder);
        var loaded = ModelFile.Load(recipe.BaseFolder);
        var spec = loaded.Spec;
        var model = loaded.Model;
        var data = LoraData.Load(recipe, loaded, manifest, pixels, datasetRef);
        CheckCompatible(recipe, spec, data);

        var task = TrainingTask.Create(spec.Task);
        var baseMetrics = Evaluate(model, task, data.Test);
        var rng = new Generator(recipe.Seed);
        var adapters = LoraAdapters.Attach(model, recipe.Lora, rng);
        long frozen = adapters.FreezeBase();
        var optimizer = OptimizerFactory.Create(recipe.Optimizer, adapters.Parameters, recipe.LearningRate, recipe.WeightDecay, recipe.Momentum);
        var trainer = new Trainer(model, optimizer, task);
        var all = new List<ICallback>(callbacks ?? []) { new FrozenStatistics(model) };
        var history = trainer.Fit(data.Train, data.Validation, new FitOptions(Epochs: recipe.Epochs, BatchSize: recipe.BatchSize, Seed: recipe.Seed), all, ct);
        if (history.Cancelled || history.Epochs.Count == 0)
            return new LoraOutcome(outDir, history, adapters, frozen, baseHash, baseMetrics, new Dictionary<string, double>());

        var metrics = Evaluate(model, task, data.Test);
        var report = trainer.EvaluateTask(data.Test);
        // The adapter on its own first (it needs the unmerged A and B), then the merged weights for serving.
        Directory.CreateDirectory(outDir);
        LoraAdapterFile.Save(outDir, adapters, baseHash, recipe.Base);
        adapters.Merge();
        var saved = new Dictionary<string, double>(metrics.ToDictionary(kv => "test_" + kv.Key, kv => kv.Value))
        {
            ["train_loss"] = history.Last!.TrainLoss,
            ["trainable_parameters"] = adapters.ParameterCount,
        };
        foreach (var (k, v) in baseMetrics) saved["base_test_" + k] = v;
        ModelFile.Save(outDir, model, spec with { Metrics = saved, Metadata = Lineage(spec.Metadata, recipe, data, adapters, baseHash) });
        ModelReports.WriteEvaluation(outDir, report);
        return new LoraOutcome(outDir, history, adapters, frozen, baseHash, baseMetrics, metrics);
    }

    // LoRA keeps the base's head and inputs: the new data must have the base's input size and its classes.
    private static void CheckCompatible(LoraRecipe recipe, ModelSpec spec, LoraData data)
    {
        var want = spec.Input.Shape.Skip(1).ToArray();
        var got = data.Train.InputShape.ToArray();
        if (want.Length != got.Length || want.Zip(got).Any(p => p.First != -1 && p.First != p.Second))
            throw new ArgumentException(
                $"--from {recipe.Base}: the base model takes inputs ({string.Join(",", want)}) but {data.Description} holds ({string.Join(",", got)}); LoRA adapts a model to new data of the same shape.");
        if (spec.ClassNames.Count > 0 && data.ClassNames.Count > 0 && !spec.ClassNames.SequenceEqual(data.ClassNames))
            throw new ArgumentException(
                $"--from {recipe.Base}: the base model predicts [{string.Join(", ", spec.ClassNames)}] but {data.Description} has classes [{string.Join(", ", data.ClassNames)}]; " +
                "LoRA keeps the base's head, so the classes must be the same. For new classes, train a new head with --from MODEL without --lora.");
    }

    private static Dictionary<string, double> Evaluate(Module model, TrainingTask task, Lepton.Data.IDataset test)
    {
        // Evaluation never steps; the trainer still wants an optimizer over some parameters.
        var trainer = new Trainer(model, OptimizerFactory.Create("sgd", model.Parameters(), 1e-3, 0, 0), task);
        return trainer.EvaluateTask(test).Metrics.ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static JsonObject Lineage(JsonObject? metadata, LoraRecipe recipe, LoraData data, LoraAdapters adapters, string baseHash)
    {
        var m = metadata is null ? new JsonObject() : (JsonObject)metadata.DeepClone();
        m["parent_model"] = recipe.Base;
        m["dataset"] = data.Description;
        m["model_source"] = $"LoRA on {recipe.Base} ({adapters.Options})";
        m["epochs"] = recipe.Epochs;
        m["batch_size"] = recipe.BatchSize;
        m["learning_rate"] = recipe.LearningRate;
        m["optimizer"] = recipe.Optimizer;
        m["seed"] = recipe.Seed;
        m["created_utc"] = DateTime.UtcNow.ToString("O");
        m["lora"] = new JsonObject
        {
            ["rank"] = adapters.Options.Rank,
            ["alpha"] = adapters.Options.Alpha,
            ["targets"] = new JsonArray([.. adapters.Entries.Select(e => (JsonNode?)JsonValue.Create(e.Target.Name))]),
            ["base_weights_sha256"] = baseHash,
            ["merged"] = true,
            ["adapter"] = LoraAdapterFile.InfoFileName,
        };
        return m;
    }

    // Fit puts the model in training mode each epoch; the frozen base's BatchNorm keeps its running statistics instead.
    private sealed class FrozenStatistics(Module model) : ICallback
    {
        public void OnEpochBegin(TrainContext context, int epoch)
        {
            foreach (var bn in Descendants(model).OfType<BatchNorm>()) bn.Eval();
        }

        private static IEnumerable<Module> Descendants(Module m) => m.Children().SelectMany(Descendants).Prepend(m);
    }
}
