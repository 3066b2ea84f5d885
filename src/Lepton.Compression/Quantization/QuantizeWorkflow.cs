using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Runtime;
using Lepton.Compression.Measurement;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Quantization;

/// <summary>
/// What <c>lepton compress quantize</c> asks: the float <paramref name="Model"/> (name, name@V, name@alias or a folder), the
/// image data set version to calibrate and evaluate on (<c>NAME@V</c>, or <c>fashion-mnist</c>), where to write the int8 model folder, and the name to
/// register it under (none: not registered).
/// </summary>
public sealed record QuantizeRequest(string Model, string Calibration, string OutDir, QuantizeOptions Options, string? RegisterAs = null)
{
    /// <summary>Where Fashion-MNIST's IDX files are when <see cref="Calibration"/> is <c>fashion-mnist</c> (null: the usual places).</summary>
    public string? DataDir { get; init; }

    /// <summary>
    /// The validation share and seed the float model was trained with, so a version without a test split is scored on the
    /// same held-out images training kept out (by path hash); null: the training defaults (share 0, seed 0).
    /// </summary>
    public (double ValidationSplit, int Seed)? TrainingSplit { get; init; }
}

/// <summary>
/// The written int8 model, how its layers were quantized, its accuracy against the float model, both models' batch-1 speed
/// and weight sizes, and its registered version.
/// </summary>
public sealed record QuantizeOutcome(
    string Source, string Folder, string Calibration, int CalibrationExamples, string EvaluatedOn,
    QuantizedModel Quantized, QuantizationReport Report, ModelFootprint Float, ModelFootprint Int8, ModelVersion? Registered)
{
    /// <summary>How many times faster the int8 model answers one example than the float model (below 1: slower).</summary>
    public double Speedup => Int8.Latency.MillisecondsPerBatch > 0 ? Float.Latency.MillisecondsPerBatch / Int8.Latency.MillisecondsPerBatch : 0;
}

/// <summary>A served model folder's batch-1 latency (median, timed in alternation with the other model) and its weights file size.</summary>
public sealed record ModelFootprint(InferenceSpeed Latency, long WeightBytes);

/// <summary>
/// Post-training int8 quantization of a registered or folder model: calibrates on the data set version's training images,
/// writes an ordinary model folder (model.json names the quantized layers; weights.safetensors holds Int8 codes and their
/// scales), evaluates both models through <see cref="PredictorLoader"/> (as serving loads them) on the test split, and
/// registers the result with the float version's run and data set as its lineage.
/// </summary>
public static class QuantizeWorkflow
{
    public static async Task<QuantizeOutcome> RunAsync(ModelRegistry registry, QuantizeRequest request, string actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Validate();
        if (request.RegisterAs is not null) ModelName.Validate(request.RegisterAs);
        var resolved = await registry.ResolveAsync(request.Model, ct);
        var loaded = ModelFile.Load(resolved.Folder);
        if (loaded.Spec.Inputs.Count != 1)
            throw new ArgumentException($"{resolved.Display} takes {loaded.Spec.Inputs.Count} inputs; int8 quantization covers one-input image classifiers.");

        var split = request.TrainingSplit ?? await TrainingSplitOfAsync(registry, resolved, ct);
        using var examples = await QuantizationExamples.LoadAsync(registry, request.Calibration, request.DataDir, loaded.Spec, split,
            request.Options.Samples, request.Options.Seed, actor, ct);
        string reference = examples.Reference;

        using var floatPredictor = PredictorLoader.Default.Load(resolved.Folder);
        var batches = new List<Tensor>();
        foreach (var raw in QuantizationExamples.Batches(examples.Calibration, request.Options.BatchSize))
            batches.Add(floatPredictor.Preprocess(0, raw.Inputs));
        var quantized = ModelQuantizer.Quantize(loaded.Model, batches, request.Options, ct: ct);

        var spec = loaded.Spec with { Metadata = Metadata(loaded.Spec.Metadata, resolved, reference, examples.Calibration.Count, request.Options, quantized) };
        ModelFile.Save(request.OutDir, quantized.Model, spec);

        QuantizationReport report;
        using (var int8Predictor = PredictorLoader.Default.Load(request.OutDir))
            report = Compare(floatPredictor, int8Predictor, examples, request.Options.BatchSize, ct);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["accuracy"] = report.Int8Accuracy,
            ["float_accuracy"] = report.FloatAccuracy,
            ["agreement"] = report.Agreement,
        };
        ModelFile.Save(request.OutDir, quantized.Model, spec with { Metrics = metrics });

        // Both folders as serving loads them, one example per forward (a served request), alternating.
        var speeds = ModelMeasurement.ServedSpeeds([resolved.Folder, request.OutDir], batchSize: 1, LatencyRepeats, ct);
        var floatFootprint = new ModelFootprint(speeds[0], WeightBytes(resolved.Folder));
        var int8Footprint = new ModelFootprint(speeds[1], WeightBytes(request.OutDir));

        ModelVersion? registered = null;
        if (request.RegisterAs is not null)
            registered = await registry.RegisterAsync(request.RegisterAs, request.OutDir, resolved.Version?.RunId, resolved.Version?.DatasetRef ?? reference, actor, ct);
        return new QuantizeOutcome(resolved.Display, request.OutDir, reference, examples.Calibration.Count, examples.EvaluatedOn, quantized, report,
            floatFootprint, int8Footprint, registered);
    }

    // Timed blocks of 256 batch-1 forwards per model for the latency comparison (alternating, median), after warm-up.
    private const int LatencyRepeats = 15;

    private static long WeightBytes(string folder)
    {
        var file = new FileInfo(Path.Combine(folder, ModelFile.WeightsFileName));
        return file.Exists ? file.Length : 0;
    }

    // A registered model's run holds the recipe it was trained with; a folder gets the training defaults.
    private static async Task<(double ValidationSplit, int Seed)> TrainingSplitOfAsync(ModelRegistry registry, ResolvedModel model, CancellationToken ct)
    {
        if (model.Version?.RunId is not { } runId || await registry.Store.GetRunAsync(runId, ct) is not { } run) return (0, 0);
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(run.ParametersJson);
            var root = doc.RootElement;
            double share = root.TryGetProperty(nameof(ImageClassifierRecipe.ValidationSplit), out var v) && v.TryGetDouble(out double d) ? d : 0;
            int seed = root.TryGetProperty(nameof(ImageClassifierRecipe.Seed), out var sd) && sd.TryGetUInt64(out ulong u) ? (int)u : 0;
            return (share, seed);
        }
        catch (System.Text.Json.JsonException)
        {
            return (0, 0);
        }
    }

    private static QuantizationReport Compare(IPredictor floatModel, IPredictor int8Model, QuantizationExamples examples, int batchSize, CancellationToken ct)
    {
        // The data's class ids in the model's class order (the model may list the same names in another order).
        var classes = examples.Classes;
        var names = floatModel.Signature.ClassNames.Count > 0 ? floatModel.Signature.ClassNames : classes;
        var map = classes.Select(c => names.ToList().IndexOf(c) is var i && i >= 0 ? i
            : throw new InvalidDataException($"The data set's class '{c}' is not one of the model's classes ({string.Join(", ", names)}).")).ToArray();
        var labels = new List<int>(examples.Evaluation.Count);
        var floatPredicted = new List<int>(examples.Evaluation.Count);
        var int8Predicted = new List<int>(examples.Evaluation.Count);
        foreach (var batch in QuantizationExamples.Batches(examples.Evaluation, batchSize))
        {
            ct.ThrowIfCancellationRequested();
            labels.AddRange(batch.Targets.Contiguous().ToIntArray().Select(c => map[c]));
            floatPredicted.AddRange(ArgMax(floatModel.FirstOutput([batch.Inputs], preprocess: true, batchSize)));
            int8Predicted.AddRange(ArgMax(int8Model.FirstOutput([batch.Inputs], preprocess: true, batchSize)));
        }
        return QuantizationReport.Compare(labels.ToArray(), floatPredicted.ToArray(), int8Predicted.ToArray(), names);
    }

    private static int[] ArgMax(Tensor logits)
    {
        var l = logits.Contiguous().To(DType.Float32).ToArray();
        int n = logits.Shape[0], k = l.Length / Math.Max(n, 1);
        var best = new int[n];
        for (int i = 0; i < n; i++)
            for (int j = 1; j < k; j++)
                if (l[i * k + j] > l[i * k + best[i]]) best[i] = j;
        return best;
    }

    private static JsonObject Metadata(JsonObject? existing, ResolvedModel source, string calibration, int samples, QuantizeOptions options,
        QuantizedModel quantized)
    {
        var metadata = existing is null ? new JsonObject() : (JsonObject)existing.DeepClone();
        metadata["quantization"] = new JsonObject
        {
            ["source_model"] = source.Display,
            ["source_artifact"] = source.Version?.ArtifactHash,
            ["calibration"] = calibration,
            ["calibration_examples"] = samples,
            ["method"] = options.Method.Name(),
            ["percentile"] = options.Method == CalibrationMethod.Percentile ? options.Percentile : null,
            ["weights"] = "int8, symmetric, per output channel",
            ["activations"] = "7-bit unsigned codes, per tensor, with zero point",
            ["layer_selection"] = options.Layers.Name(),
            ["int8_layers"] = new JsonArray([.. quantized.Layers.Where(l => l.IsInt8).Select(LayerId)]),
            ["float_layers"] = new JsonArray([.. quantized.Layers.Where(l => !l.IsInt8).Select(LayerId)]),
        };
        return metadata;
    }

    // A Sequential's layers by position, a graph's by node path.
    private static JsonNode LayerId(QuantizedLayerInfo layer) => layer.Path is { } path ? JsonValue.Create(path) : JsonValue.Create(layer.Index);
}
