using System.Buffers;
using System.Text;
using System.Text.Json;
using Lepton.Registry.Labeling;
using Lepton.Registry.Store;
using Lepton.Serving.Http;

namespace Lepton.Serving.Labeling;

/// <summary>
/// The loop retrains on labelled predictions whose raw input the log sampled. A prediction labelled on the /label page was
/// usually not sampled, so once its label is stored its kept image is converted the way the predict endpoint converted it
/// (the model's example shape and resize policy) and written as the prediction's raw input. Best effort: the label is already
/// stored, and a model no longer served or an image it cannot take only leaves the prediction without raw input.
/// </summary>
internal static class CandidateRawInput
{
    public static async Task<bool> FillAsync(ServingContext serving, LabelResult result, CancellationToken ct)
    {
        if (result.Task.PredictionId is not { } id || result.Task.Model is not { } model || serving.Registry?.Store is not { } store) return false;
        var prediction = await store.GetPredictionAsync(id, ct);
        if (prediction is null || prediction.RawInputJson is not null) return false;
        if (await store.GetLabelCandidateImageAsync(id, ct) is not { } bytes) return false;
        float[] values;
        try
        {
            using var lease = Lease(serving, model, prediction.Version);
            if (!lease.TakesOneFixedInput) return false;
            values = ImageInput.Decode(bytes, lease.ExampleShape, lease.Signature.Inputs[0].Image, model).ToArray();
        }
        catch (Exception ex) when (ex is Protocol.ProtocolException or Models.ModelNotFoundException or Models.ModelNotReadyException or Batching.InferenceInputException)
        {
            return false;
        }
        return await store.SetPredictionRawInputAsync(id, Json(values), ct);
    }

    // The version that answered when it is still served, else the model's current one (same input shape within a model name).
    private static Models.ModelLease Lease(ServingContext serving, string model, int? version)
    {
        if (version is not null)
        {
            try
            {
                return serving.Models.Acquire(model, version);
            }
            catch (Models.ModelNotFoundException)
            {
                // Fall through to the current version.
            }
        }
        return serving.Models.Acquire(model);
    }

    private static string Json(float[] values)
    {
        var buffer = new ArrayBufferWriter<byte>(values.Length * 4 + 2);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (float v in values)
            {
                if (float.IsFinite(v)) w.WriteNumberValue(v);
                else w.WriteNullValue();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
