using Lepton.Data.Audio.Dsp;
using Lepton.Data.Audio.Features;

namespace Lepton.Data.Audio.Augmentation;

/// <summary>
/// Applies an <see cref="AudioAugmentSpec"/>: on the waveform speed, pitch, shift, reverberation, then noise; on the
/// features SpecAugment's time and frequency masks. The draws for a clip depend only on (seed, epoch, index), never on
/// thread order, so two runs give the same samples. Thread-safe: it holds no mutable state.
/// </summary>
public sealed class AudioAugmenter
{
    private readonly IReadOnlyList<float[]> _backgrounds;

    /// <param name="spec">What to apply.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="backgrounds">Noise clips (at the clips' rate) to take background from; none means white noise.</param>
    public AudioAugmenter(AudioAugmentSpec spec, ulong seed = 0, IReadOnlyList<float[]>? backgrounds = null)
    {
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        Seed = seed;
        _backgrounds = backgrounds?.Where(b => b.Length > 0).ToList() ?? [];
    }

    public AudioAugmentSpec Spec { get; }

    public ulong Seed { get; }

    /// <summary>The augmented copy of <paramref name="clip"/> for example <paramref name="index"/> in <paramref name="epoch"/>.</summary>
    public AudioClip Apply(AudioClip clip, int epoch, long index)
    {
        var rng = Rng(epoch, index, stream: 1);
        var s = Spec;
        var x = clip.Samples;
        int rate = clip.SampleRate;
        // Each term draws its number even when off, so turning one term on does not shift the others' draws.
        double speed = Math.Round(1 + Symmetric(rng.NextDouble(), s.Speed), 2);
        double semitones = Symmetric(rng.NextDouble(), s.Pitch);
        double shift = Symmetric(rng.NextDouble(), s.Shift);
        double rt60 = s.Reverb * (0.5 + 0.5 * rng.NextDouble());
        int noiseSeed = rng.Next();
        int reverbSeed = rng.Next();
        if (s.Speed != 0 && speed != 1) x = Speed(x, speed);
        if (s.Pitch != 0 && semitones != 0) x = PitchShift(x, semitones);
        if (s.Shift != 0) x = Shift(x, (int)Math.Round(shift * rate));
        if (s.Reverb != 0) x = Reverberate(x, rate, rt60, new Random(reverbSeed));
        if (s.Noise != 0) x = AddNoise(x, s.Noise, new Random(noiseSeed), _backgrounds);
        return new AudioClip(ReferenceEquals(x, clip.Samples) ? (float[])x.Clone() : x, rate);
    }

    /// <summary>SpecAugment on a copy of <paramref name="features"/>: Masks time masks and Masks frequency masks, filled with the features' mean.</summary>
    public AudioFeatures Mask(AudioFeatures features, int epoch, long index)
    {
        var values = (float[])features.Values.Clone();
        if (!Spec.MasksFeatures || values.Length == 0) return features with { Values = values };
        var rng = Rng(epoch, index, stream: 2);
        float mean = (float)values.Average(v => (double)v);
        for (int m = 0; m < Spec.Masks; m++)
        {
            var (t0, tw) = Span(rng, Spec.TimeMask, features.Frames);
            for (int t = t0; t < t0 + tw; t++) values.AsSpan(t * features.Bins, features.Bins).Fill(mean);
            var (f0, fw) = Span(rng, Spec.FreqMask, features.Bins);
            for (int t = 0; t < features.Frames; t++) values.AsSpan(t * features.Bins + f0, fw).Fill(mean);
        }
        return features with { Values = values };
    }

    private static (int Start, int Width) Span(Random rng, int max, int size)
    {
        int width = Math.Min(rng.Next(max + 1), size);
        int start = rng.Next(size - width + 1);
        return (start, width);
    }

    /// <summary>Plays <paramref name="x"/> <paramref name="factor"/> times faster (1.1: 10% shorter and higher).</summary>
    public static float[] Speed(float[] x, double factor)
    {
        int from = (int)Math.Round(factor * 100);
        return AudioResampler.Resample(x, from, 100);
    }

    /// <summary>Raises the pitch by <paramref name="semitones"/> (negative lowers it) and keeps the length.</summary>
    public static float[] PitchShift(float[] x, double semitones)
    {
        double factor = Math.Pow(2, semitones / 12);
        var faster = Speed(x, factor);
        return TimeStretch.ToLength(faster, x.Length);
    }

    /// <summary>Moves the clip later by <paramref name="samples"/> (earlier when negative), zeros shifted in, length kept.</summary>
    public static float[] Shift(float[] x, int samples)
    {
        var y = new float[x.Length];
        if (Math.Abs(samples) >= x.Length) return y;
        if (samples >= 0) x.AsSpan(0, x.Length - samples).CopyTo(y.AsSpan(samples));
        else x.AsSpan(-samples).CopyTo(y);
        return y;
    }

    /// <summary>
    /// Convolves with a synthetic room: a unit direct path plus Gaussian noise decaying by 60 dB over <paramref name="rt60"/>
    /// seconds; the result is scaled back to the clip's RMS.
    /// </summary>
    public static float[] Reverberate(float[] x, int rate, double rt60, Random rng)
    {
        int length = Math.Max(2, (int)(rt60 * rate));
        var h = ImpulseResponse(length, rate, rt60, rng);
        var y = Convolution.Fft(x, h);
        double inRms = Rms(x), outRms = Rms(y);
        if (outRms > 0)
        {
            float g = (float)(inRms / outRms);
            for (int i = 0; i < y.Length; i++) y[i] *= g;
        }
        return y;
    }

    /// <summary>h[0] = 1; h[n] = 0.3 N(0,1) 10^(-3 n / (rt60 rate)) for n &gt; 0, i.e. -60 dB after rt60 seconds.</summary>
    public static double[] ImpulseResponse(int length, int rate, double rt60, Random rng)
    {
        var h = new double[length];
        h[0] = 1;
        for (int n = 1; n < length; n++) h[n] = 0.3 * Gaussian(rng) * Math.Pow(10, -3.0 * n / (rt60 * rate));
        return h;
    }

    /// <summary>Adds noise scaled so that 10 log10(P_signal / P_noise) = <paramref name="snrDb"/>; a silent clip gets none.</summary>
    public static float[] AddNoise(float[] x, double snrDb, Random rng, IReadOnlyList<float[]> backgrounds)
    {
        var noise = new float[x.Length];
        if (backgrounds.Count > 0)
        {
            var b = backgrounds[rng.Next(backgrounds.Count)];
            int start = b.Length > x.Length ? rng.Next(b.Length - x.Length + 1) : 0;
            for (int i = 0; i < x.Length; i++) noise[i] = b[(start + i) % b.Length];
        }
        else
        {
            for (int i = 0; i < x.Length; i++) noise[i] = (float)Gaussian(rng);
        }
        double ps = Rms(x), pn = Rms(noise);
        var y = (float[])x.Clone();
        if (ps == 0 || pn == 0) return y;
        double g = ps / pn * Math.Pow(10, -snrDb / 20);
        for (int i = 0; i < y.Length; i++) y[i] += (float)(g * noise[i]);
        return y;
    }

    private static double Rms(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (float v in x) s += (double)v * v;
        return x.Length == 0 ? 0 : Math.Sqrt(s / x.Length);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static double Symmetric(double u, double range) => (2 * u - 1) * range;

    private Random Rng(int epoch, long index, int stream)
    {
        ulong key = Mix(Mix(Mix(Mix(Seed) ^ (ulong)(uint)epoch) ^ (ulong)index) ^ (ulong)stream);
        return new Random((int)(key & 0x7FFFFFFF));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
