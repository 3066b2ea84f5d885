using Lepton.Registry;
using Lepton.Runtime;
using Lepton.Runtime.Tables;
using Lepton.Runtime.Audio;
using Lepton.Runtime.Text;
using Lepton.Serving.Batching;

namespace Lepton.Serving.Models;

/// <summary>
/// Builds a <see cref="ModelVersionSlot"/> from a resolved folder: loads it through the runtime's <see cref="PredictorLoader"/>
/// (whatever kind the folder holds), and warms it up with a batch of its input signature, which checks the outputs. Any failure
/// throws before a slot exists, so a broken version can never be swapped in.
/// </summary>
internal static class ModelVersionLoader
{
    public static ModelVersionSlot Load(string model, string reference, ResolvedModel resolved, DynamicBatcherOptions batching, ServingMetrics metrics,
        PredictorLoader predictors)
    {
        IPredictor? predictor = null;
        DynamicBatcher? batcher = null;
        try
        {
            predictor = predictors.Load(resolved.Folder, new PredictorLoadOptions(batching.MaxBatchSize));
            predictor.WarmUp(batching.MaxBatchSize);
            var label = resolved.Version?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "folder";
            batcher = new DynamicBatcher(predictor, batching, metrics.For(model, label));
            return new ModelVersionSlot(model, resolved, predictor, batcher, TextInputEncoder.TryLoad(resolved.Folder, predictor.Signature),
                TableInputEncoder.TryLoad(resolved.Folder, predictor.Signature),
                AudioInputEncoder.TryLoad(resolved.Folder, predictor.Signature));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing half-loaded survives: the batcher's worker thread (its queue is empty) and the predictor end here.
            batcher?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            predictor?.Dispose();
            // Load errors name files inside the artifact cache; show the reference instead of the path.
            var message = e.Message.Replace(resolved.Folder, resolved.Display == resolved.Folder ? "the model folder" : resolved.Display, StringComparison.Ordinal);
            throw new ModelLoadException($"Could not load {Describe(reference, resolved)}: {message}", e);
        }
    }

    public static string Describe(string reference, ResolvedModel resolved) =>
        resolved.Version is { } v && reference != resolved.Display ? $"{resolved.Display} ({reference})" : reference;
}
