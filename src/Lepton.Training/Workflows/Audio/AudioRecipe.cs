using Lepton.Data.Audio.Augmentation;
using Lepton.Data.Audio.Features;
using Lepton.NN.Presets;

namespace Lepton.Training.Workflows.Audio;

/// <summary>
/// Everything that decides a keyword-spotting run: the audio data set version (<c>NAME@V</c>), the preset (<c>kws-cnn</c>,
/// <c>kws-ds-cnn</c>, or <c>auto</c>: by training-clip count), the features (log-mel or MFCC, 32 ms windows every 10 ms),
/// the clip length (null: the 95th percentile of the training clips, rounded up to 0.1 s), the training augmentation
/// (<see cref="AudioAugmentSpec"/> terms; null for <see cref="DefaultAugment"/>, "none" for none) and the optimization
/// (AdamW under a one-cycle schedule).
/// </summary>
public sealed record AudioRecipe(
    string Data,
    string Model = "auto",
    int Epochs = 30,
    int BatchSize = 64,
    double LearningRate = 3e-3,
    double WeightDecay = 1e-2,
    string? Augment = null,
    double? ClipSeconds = null,
    AudioFeatureKind Features = AudioFeatureKind.LogMel,
    int Mels = 40,
    double MaxUploadSeconds = 30,
    ulong Seed = 0)
{
    /// <summary>
    /// The augmentation when none is named: ±100 ms time shift, background noise at 20 dB SNR (the data set's silence clips
    /// when it has them, else white noise), and SpecAugment with two time masks of up to 10 frames and two frequency masks of
    /// up to 6 bands.
    /// </summary>
    public const string DefaultAugment = "shift=0.1,noise=20,time_mask=10,freq_mask=6";

    /// <summary>The models <see cref="Model"/> may name.</summary>
    public static IReadOnlyList<string> Models { get; } = ["auto", .. AudioPresets.Names];

    /// <summary>The augmentation this recipe applies to training batches (none when <see cref="Augment"/> is "none").</summary>
    public AudioAugmentSpec AugmentSpec => Augment?.Trim().ToLowerInvariant() switch
    {
        null => AudioAugmentSpec.Parse(DefaultAugment),
        "none" or "" => AudioAugmentSpec.None,
        _ => AudioAugmentSpec.Parse(Augment),
    };

    /// <summary>The feature spec for clips stored at <paramref name="sampleRate"/>: a 32 ms window (power of two), a 10 ms hop, mel bands from 20 Hz to min(7600 Hz, rate/2).</summary>
    public AudioFeatureSpec FeatureSpec(int sampleRate)
    {
        int nfft = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, (int)Math.Round(0.032 * sampleRate)));
        int hop = Math.Max(1, sampleRate / 100);
        return new AudioFeatureSpec(SampleRate: sampleRate, NFft: nfft, Hop: hop, NMels: Mels, FMin: 20, FMax: Math.Min(7600, sampleRate / 2.0),
            NMfcc: Math.Min(13, Mels), Kind: Features).Validate();
    }

    /// <summary>Checks every field and names the choices when one is wrong.</summary>
    public void Validate()
    {
        if (!Models.Contains(Model, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"--model {Model} is not a model for audio; use one of {string.Join(", ", Models)}.");
        if (Epochs < 1) throw new ArgumentException($"--epochs must be >= 1, got {Epochs}.");
        if (BatchSize < 1) throw new ArgumentException($"--batch-size must be >= 1, got {BatchSize}.");
        if (!(LearningRate > 0)) throw new ArgumentException($"--lr must be > 0, got {LearningRate}.");
        if (WeightDecay < 0) throw new ArgumentException($"--weight-decay must be >= 0, got {WeightDecay}.");
        if (ClipSeconds is { } c && !(c >= 0.1 && c <= 60)) throw new ArgumentException($"--clip-seconds must be 0.1 to 60, got {c}.");
        if (Mels is < 8 or > 128) throw new ArgumentException($"The mel band count must be 8 to 128, got {Mels}.");
        if (!(MaxUploadSeconds > 0 && MaxUploadSeconds <= 3600)) throw new ArgumentException($"The upload limit must be in (0, 3600] seconds, got {MaxUploadSeconds}.");
        try
        {
            _ = AugmentSpec;
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"--augment: {ex.Message} Example: {AudioAugmentSpec.Example}, or none.", ex);
        }
    }
}
