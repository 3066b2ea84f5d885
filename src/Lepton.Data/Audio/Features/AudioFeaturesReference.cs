using Lepton.Data.Audio.Dsp;

namespace Lepton.Data.Audio.Features;

/// <summary>
/// The plain twin of <see cref="AudioFeatureExtractor"/>: the spec's definitions written out literally (padded copy, DFT by
/// definition, dense filter bank, DCT sum), in double precision. Slow; tests hold the fast path equal to it.
/// </summary>
public static class AudioFeaturesReference
{
    /// <summary>Features (Frames, Bins) of samples already at the spec's rate, as doubles.</summary>
    public static double[,] Compute(ReadOnlySpan<float> x, AudioFeatureSpec spec)
    {
        int half = spec.NFft / 2;
        var padded = new double[x.Length + 2 * half];
        for (int i = 0; i < padded.Length; i++) padded[i] = x[AudioFeatureExtractor.Reflect(i - half, x.Length)];
        int frames = 1 + (padded.Length - spec.NFft) / spec.Hop;
        var fb = MelFilterBank.Dense(spec.SampleRate, spec.NFft, spec.NMels, spec.FMin, spec.FMax);
        var result = new double[frames, spec.Bins];
        var frame = new double[spec.NFft];
        for (int t = 0; t < frames; t++)
        {
            for (int i = 0; i < spec.NFft; i++) frame[i] = padded[t * spec.Hop + i] * (0.5 - 0.5 * Math.Cos(2 * Math.PI * i / spec.NFft));
            var power = PowerSpectrum.Reference(frame);
            var logMel = new double[spec.NMels];
            for (int m = 0; m < spec.NMels; m++)
            {
                double e = 0;
                for (int k = 0; k < power.Length; k++) e += fb[m, k] * power[k];
                logMel[m] = Math.Log(e + spec.LogOffset);
            }
            for (int b = 0; b < spec.Bins; b++)
            {
                if (spec.Kind == AudioFeatureKind.LogMel)
                {
                    result[t, b] = logMel[b];
                    continue;
                }
                double acc = 0;
                for (int m = 0; m < spec.NMels; m++)
                    acc += Math.Cos(Math.PI * b * (2 * m + 1) / (2.0 * spec.NMels)) * logMel[m];
                result[t, b] = acc * Math.Sqrt((b == 0 ? 1.0 : 2.0) / spec.NMels);
            }
        }
        return result;
    }
}
