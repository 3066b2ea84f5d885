using System.Text.Json.Nodes;
using Lepton.Data.Audio;
using Lepton.Data.Audio.Features;
using Lepton.Data.Audio.Wav;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Audio;

/// <summary>
/// Turns audio into a keyword model's input exactly as its training did, one path for <c>lepton predict</c> and the server:
/// a WAV file (header checked against the model's duration limit before any sample is decoded) → mono → resampled to the
/// model's rate → the folder's trimming → cut or zero-padded to the training clip length → log-mel or MFCC features
/// (N,1,frames,bins). Thread-safe: each call makes its own feature extractors.
/// </summary>
public sealed class AudioInputEncoder
{
    /// <summary>The protocol name of the raw-samples input an audio model offers beside its features input (FP32 [N,S] at the model's rate).</summary>
    public const string WaveformInputName = "waveform";

    /// <summary>The model.json metadata key holding the clip length and the upload limit.</summary>
    public const string MetadataKey = "audio";

    /// <summary>Default longest upload, in seconds, when the folder names none: long enough for a sentence, short enough to decode cheaply.</summary>
    public const double DefaultMaxSeconds = 30;

    private readonly int _input;

    private AudioInputEncoder(AudioFeatureSpec spec, double clipSeconds, double maxSeconds, int input)
    {
        Spec = spec;
        ClipSeconds = clipSeconds;
        MaxSeconds = maxSeconds;
        Samples = (int)Math.Round(clipSeconds * spec.SampleRate);
        Frames = spec.Frames(Samples);
        _input = input;
    }

    /// <summary>The features the model reads.</summary>
    public AudioFeatureSpec Spec { get; }

    /// <summary>The clip length the model was trained on; longer clips are cut, shorter ones padded with silence.</summary>
    public double ClipSeconds { get; }

    /// <summary>The longest clip accepted, decided from the WAV header before decoding.</summary>
    public double MaxSeconds { get; }

    /// <summary>Samples per clip at the model's rate.</summary>
    public int Samples { get; }

    /// <summary>Feature frames per clip.</summary>
    public int Frames { get; }

    /// <summary>The features input's shape for one clip: (1, frames, bins).</summary>
    public int[] ExampleShape => [1, Frames, Spec.Bins];

    /// <summary>An encoder for a spec and clip length (as training builds one before the folder exists).</summary>
    public static AudioInputEncoder Create(AudioFeatureSpec spec, double clipSeconds, double maxSeconds = DefaultMaxSeconds)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (!(clipSeconds > 0 && clipSeconds <= 600)) throw new ArgumentException($"The clip length must be in (0, 600] seconds; got {clipSeconds}.");
        if (!(maxSeconds >= clipSeconds && maxSeconds <= 36_000))
            throw new ArgumentException($"The upload limit must be at least the clip length ({clipSeconds} s) and at most 36000 s; got {maxSeconds}.");
        return new AudioInputEncoder(spec, clipSeconds, maxSeconds, 0);
    }

    /// <summary>
    /// The encoder of a model folder holding <c>audio_features.json</c>, or null when it holds none (not an audio model). Throws
    /// <see cref="InvalidDataException"/> when the spec, the clip length and the model's input do not fit together.
    /// </summary>
    public static AudioInputEncoder? TryLoad(string folder, PredictorSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        string path = Path.Combine(folder, AudioFeatureSpec.FileName);
        if (!File.Exists(path)) return null;
        var info = new FileInfo(path);
        if (info.Length > 64 * 1024) throw new InvalidDataException($"{AudioFeatureSpec.FileName} is {info.Length:N0} bytes; a feature spec is a few hundred. The folder is damaged.");
        var spec = AudioFeatureSpec.FromJson(File.ReadAllText(path));
        var meta = ReadMetadata(folder)?[MetadataKey] as JsonObject;
        double clip = meta?["clip_seconds"] is JsonValue c && c.TryGetValue(out double cs) ? cs : 1.0;
        double max = meta?["max_seconds"] is JsonValue m && m.TryGetValue(out double ms) ? ms : Math.Max(DefaultMaxSeconds, clip);
        AudioInputEncoder encoder;
        try
        {
            encoder = Create(spec, clip, max);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"model.json's audio metadata: {ex.Message}", ex);
        }
        var inputs = signature.Inputs;
        if (inputs.Count != 1 || inputs[0].DType != DType.Float32 || !inputs[0].ExampleShape.SequenceEqual(encoder.ExampleShape))
            throw new InvalidDataException(
                $"The folder has {AudioFeatureSpec.FileName} for features (1,{encoder.Frames},{spec.Bins}) ({clip} s clips), but the model's inputs are {string.Join(", ", inputs.Select(x => $"{x.Name} {x.DType} {x.BatchShapeText}"))}; retrain the model or fix the clip length.");
        return encoder;
    }

    /// <summary>
    /// Decodes a WAV upload named <paramref name="name"/> (never a path in messages) to a mono clip at its own rate. A header
    /// declaring more than <see cref="MaxSeconds"/> throws before any sample is read (<see cref="WavReader.IsOverLimit"/> tells it apart); a
    /// non-WAV, truncated, zero-length or unsupported file throws <see cref="InvalidDataException"/> naming the problem.
    /// </summary>
    public AudioClip ReadWav(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0) throw new InvalidDataException($"{name} is empty (0 bytes); send a WAV file.");
        return WavReader.Read(bytes, name, new WavReadOptions(MaxSeconds: MaxSeconds));
    }

    /// <summary>Reads a WAV file under the same limits as an upload, header first (nothing else is read when it fails); errors name the file, not its folder.</summary>
    public AudioClip ReadWavFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{Path.GetFileName(path)}: no such file.");
        if (info.Length == 0) throw new InvalidDataException($"{info.Name} is empty (0 bytes); give a WAV file.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return WavReader.Read(stream, info.Name, new WavReadOptions(MaxSeconds: MaxSeconds));
    }

    /// <summary>The features (N,1,frames,bins) of <paramref name="clips"/>, each resampled, trimmed and cut or padded to the clip length.</summary>
    public TensorSet Encode(IReadOnlyList<AudioClip> clips)
    {
        ArgumentNullException.ThrowIfNull(clips);
        if (clips.Count == 0) throw new ArgumentException("No clips to encode; send at least one.");
        foreach (var clip in clips)
            if (clip.Samples.Length == 0) throw new ArgumentException("A clip has no samples; send at least one sample per clip.");
        int n = clips.Count, row = Frames * Spec.Bins;
        var values = new float[(long)n * row];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = n == 1 ? 1 : -1 }, () => new AudioFeatureExtractor(Spec), (i, _, extractor) =>
        {
            var f = extractor.ComputeFixed(clips[i], Samples);
            f.Values.CopyTo(values, (long)i * row);
            return extractor;
        }, _ => { });
        return new TensorSet([Tensor.FromArray(values, n, 1, Frames, Spec.Bins)]); // features: (N,1,frames,bins)
    }

    /// <summary>
    /// The features of raw mono samples (N,S) already at the model's rate (the protocol's <c>waveform</c> input): each row
    /// of any length S >= 1 is cut or padded like a decoded WAV.
    /// </summary>
    public TensorSet EncodeWaveforms(float[] samples, int rows)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (rows < 1 || samples.Length == 0 || samples.Length % rows != 0)
            throw new ArgumentException($"Input '{WaveformInputName}' needs shape [N,S] with N >= 1 and S >= 1 samples; got {samples.Length} values for {rows} row(s).");
        int length = samples.Length / rows;
        if (length > MaxSeconds * Spec.SampleRate)
            throw new ArgumentException($"Input '{WaveformInputName}' has {length:N0} samples per row ({length / (double)Spec.SampleRate:0.#} s at {Spec.SampleRate} Hz); the limit is {MaxSeconds:0.#} s.");
        foreach (float v in samples)
            if (!float.IsFinite(v)) throw new ArgumentException($"Input '{WaveformInputName}' holds a value that is not finite; send samples in [-1, 1].");
        var clips = Enumerable.Range(0, rows).Select(r => new AudioClip(samples.AsSpan(r * length, length).ToArray(), Spec.SampleRate)).ToList();
        return Encode(clips);
    }

    private static JsonObject? ReadMetadata(string folder)
    {
        string path = Path.Combine(folder, ModelFile.SpecFileName);
        if (!File.Exists(path)) return null;
        return ModelSpec.FromJson(File.ReadAllText(path), path).Metadata;
    }
}
