using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Serving.Batching;
using Lepton.Training.Workflows;

namespace Lepton.Serving.Models;

/// <summary>
/// Builds a <see cref="ModelVersionSlot"/> from a resolved folder: loads and validates the files, checks the
/// input signature, and warms the model up with a dummy batch of its input shape. Any failure throws before a
/// slot exists, so a broken version can never be swapped in.
/// </summary>
internal static class ModelVersionLoader
{
    public static ModelVersionSlot Load(string model, string reference, ResolvedModel resolved, DynamicBatcherOptions batching, ServingMetrics metrics)
    {
        try
        {
            var loaded = ModelFile.Load(resolved.Folder);
            if (loaded.Spec.Input.DType != DType.Float32)
                throw new InvalidDataException($"model.json input.dtype is {loaded.Spec.Input.DType}; the server feeds float32 inputs.");
            var predictor = new ModelPredictor(loaded);
            // A served version never trains: its weights become read-only and layers keep them packed for the kernels.
            loaded.Model.PrepareForInference();
            WarmUp(loaded, predictor.ExampleShape, batching.MaxBatchSize);
            var label = resolved.Version?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "folder";
            var network = loaded.Model;
            int batchSize = batching.MaxBatchSize;
            var batcher = new DynamicBatcher(x => Inference.Forward(network, x, batchSize), batching, metrics.For(model, label));
            return new ModelVersionSlot(model, resolved, loaded, predictor.Preprocessing, predictor.ExampleShape, batcher);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Load errors name files inside the artifact cache; show the reference instead of the path.
            var message = e.Message.Replace(resolved.Folder, resolved.Display == resolved.Folder ? "the model folder" : resolved.Display, StringComparison.Ordinal);
            throw new ModelLoadException($"Could not load {Describe(reference, resolved)}: {message}", e);
        }
    }

    public static string Describe(string reference, ResolvedModel resolved) =>
        resolved.Version is { } v && reference != resolved.Display ? $"{resolved.Display} ({reference})" : reference;

    /// <summary>One forward pass on zeros; the output must be (rows, classes) and finite.</summary>
    private static void WarmUp(LoadedModel loaded, Shape exampleShape, int rows)
    {
        var dims = new int[exampleShape.Rank + 1];
        dims[0] = rows;
        exampleShape.Dims.CopyTo(dims.AsSpan(1));
        Tensor output;
        try
        {
            output = Inference.Forward(loaded.Model, Tensor.Zeros(new Shape(dims)), rows);
        }
        catch (Exception e)
        {
            throw new InvalidDataException($"warm-up with a batch of shape {new Shape(dims)} failed: {e.Message}", e);
        }
        if (output.Rank != 2 || output.Shape[0] != rows)
            throw new InvalidDataException($"warm-up returned shape {output.Shape} for {rows} rows; a served model must return logits (N, classes).");
        int classes = loaded.Spec.ClassNames.Count;
        if (classes > 0 && output.Shape[1] != classes)
            throw new InvalidDataException($"the model returns {output.Shape[1]} outputs per row but model.json names {classes} classes.");
        foreach (var v in output.ToArray())
        {
            if (!float.IsFinite(v))
                throw new InvalidDataException("warm-up produced NaN or infinite outputs on a zero batch; the weights are likely corrupt.");
        }
    }
}
