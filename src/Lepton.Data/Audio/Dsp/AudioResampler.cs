using System.Collections.Concurrent;

namespace Lepton.Data.Audio.Dsp;

/// <summary>
/// Rational resampling by a polyphase Kaiser-windowed-sinc filter, output for output the same as SciPy's
/// <c>resample_poly(x, up, down)</c> (beta 5, half length 10 x max(up, down), zeros outside the clip). Our own rather than
/// NWaves' so the result is defined by the SciPy reference a fixture checks, not by a library default.
/// </summary>
public static class AudioResampler
{
    private static readonly ConcurrentDictionary<(int Up, int Down), double[]> Filters = new();

    /// <summary>The clip at <paramref name="rateOut"/> Hz; the same rate returns a copy.</summary>
    public static AudioClip Resample(AudioClip clip, int rateOut) => new(Resample(clip.Samples, clip.SampleRate, rateOut), rateOut);

    /// <summary>Resamples <paramref name="x"/> from <paramref name="rateIn"/> to <paramref name="rateOut"/> Hz: ceil(n x up / down) samples.</summary>
    public static float[] Resample(ReadOnlySpan<float> x, int rateIn, int rateOut)
    {
        var (up, down) = Ratio(rateIn, rateOut);
        if (up == 1 && down == 1) return x.ToArray();
        var phases = Phases(up, down);
        int half = 10 * Math.Max(up, down);
        long nOut = ((long)x.Length * up + down - 1) / down;
        var y = new float[nOut];
        for (long n = 0; n < nOut; n++)
        {
            // y[n] = sum_i x[i] h[n*down + half - i*up]: with c = n*down + half, the taps in reach are h[c%up + j*up] against
            // x[c/up - j], one polyphase branch read front to back.
            long centre = n * down + half;
            var taps = phases[(int)(centre % up)];
            long last = centre / up;
            int jFirst = (int)Math.Max(0, last - (x.Length - 1));
            int jEnd = (int)Math.Min(taps.Length, last + 1);
            double acc = 0;
            for (int j = jFirst; j < jEnd; j++) acc += taps[j] * x[(int)(last - j)];
            y[n] = (float)acc;
        }
        return y;
    }

    /// <summary>
    /// The plain twin of <see cref="Resample(ReadOnlySpan{float}, int, int)"/>: insert up-1 zeros between samples, convolve with
    /// the whole filter, keep every down-th output after the filter's delay. Slow; for tests.
    /// </summary>
    public static float[] ResampleReference(ReadOnlySpan<float> x, int rateIn, int rateOut)
    {
        var (up, down) = Ratio(rateIn, rateOut);
        if (up == 1 && down == 1) return x.ToArray();
        var h = Filter(up, down);
        int half = (h.Length - 1) / 2;
        var upsampled = new double[(long)x.Length * up];
        for (int i = 0; i < x.Length; i++) upsampled[(long)i * up] = x[i];
        long nOut = ((long)x.Length * up + down - 1) / down;
        var y = new float[nOut];
        for (long n = 0; n < nOut; n++)
        {
            long j = n * down + half;
            double acc = 0;
            for (int k = 0; k < h.Length; k++)
                if (j - k >= 0 && j - k < upsampled.Length) acc += h[k] * upsampled[j - k];
            y[n] = (float)acc;
        }
        return y;
    }

    /// <summary>up/down in lowest terms; rates must be positive.</summary>
    public static (int Up, int Down) Ratio(int rateIn, int rateOut)
    {
        if (rateIn < 1 || rateOut < 1) throw new ArgumentException($"Resampling needs positive rates; got {rateIn} Hz to {rateOut} Hz.");
        int g = (int)System.Numerics.BigInteger.GreatestCommonDivisor(rateIn, rateOut);
        return (rateOut / g, rateIn / g);
    }

    private static readonly ConcurrentDictionary<(int Up, int Down), double[][]> PhaseTables = new();

    // phases[p][j] = h[p + j*up]: the filter regrouped by branch so each output reads its taps contiguously.
    private static double[][] Phases(int up, int down)
    {
        if (PhaseTables.TryGetValue((up, down), out var phases)) return phases;
        var h = Filter(up, down);
        phases = new double[up][];
        for (int p = 0; p < up; p++)
        {
            phases[p] = new double[p < h.Length ? (h.Length - 1 - p) / up + 1 : 0];
            for (int j = 0; j < phases[p].Length; j++) phases[p][j] = h[p + j * up];
        }
        if (PhaseTables.Count < 64) PhaseTables.TryAdd((up, down), phases);
        return phases;
    }

    private static double[] Filter(int up, int down)
    {
        if (Filters.TryGetValue((up, down), out var h)) return h;
        int max = Math.Max(up, down);
        if (max > 100_000)
            throw new ArgumentException($"Resampling by {up}/{down} needs a {20 * max + 1}-tap filter; choose rates with a larger common divisor (e.g. 16000, 22050, 44100, 48000).");
        h = KaiserLowPass.Design(20 * max + 1, 1.0 / max);
        for (int k = 0; k < h.Length; k++) h[k] *= up;
        if (Filters.Count < 64) Filters.TryAdd((up, down), h);
        return h;
    }

}
