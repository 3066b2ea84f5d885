using System.Text.Json.Nodes;
using Lepton.Data.Audio.Features;
using Lepton.NN;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Audio;

/// <summary>
/// Writes a keyword model's folder: model.json (features input, classes, the clip length and upload limit in its
/// <c>audio</c> metadata), weights.safetensors and <c>audio_features.json</c>, everything <see cref="AudioInputEncoder"/>
/// needs to replay the features when the model serves or predicts WAV files.
/// </summary>
public static class AudioModelFolder
{
    /// <param name="metadata">Further metadata (preset, data set, training settings) merged in.</param>
    public static void Save(string dir, Module model, AudioInputEncoder encoder, IReadOnlyList<string> classes,
        IReadOnlyDictionary<string, double>? metrics = null, JsonObject? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoder);
        var meta = metadata?.DeepClone().AsObject() ?? [];
        meta[AudioInputEncoder.MetadataKey] = new JsonObject
        {
            ["features"] = AudioFeatureSpec.FileName,
            ["clip_seconds"] = encoder.ClipSeconds,
            ["max_seconds"] = encoder.MaxSeconds,
            ["sample_rate"] = encoder.Spec.SampleRate,
        };
        var spec = new ModelSpec
        {
            Input = new InputSpec(AudioPresets.InputName, [-1, .. encoder.ExampleShape]),
            ClassNames = classes,
            Task = TaskSpec.Multiclass,
            Metrics = metrics ?? new Dictionary<string, double>(),
            Metadata = meta,
        };
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, AudioFeatureSpec.FileName), encoder.Spec.ToJson());
        ModelFile.Save(dir, model, spec);
    }
}
