namespace Lepton.Data.Audio.Dsp;

/// <summary>
/// Changes a clip's length without changing its pitch by WSOLA (waveform-similarity overlap-add, as sox's <c>tempo</c>):
/// Hann frames are laid every Window/2 samples of the output, each taken from near its proportional place in the input at
/// the offset (within ±Tolerance) that best continues the previous frame, so periodic sounds keep their phase.
/// </summary>
public static class TimeStretch
{
    /// <summary>
    /// <paramref name="x"/> stretched to <paramref name="length"/> samples; <paramref name="window"/> is the frame length in
    /// samples (about 30 ms: 512 at 16 kHz).
    /// </summary>
    public static float[] ToLength(ReadOnlySpan<float> x, int length, int window = 512)
    {
        if (length < 1) throw new ArgumentException($"TimeStretch needs a positive length; got {length}.");
        if (x.Length < 2 * window || length < 2 * window)
        {
            // Too short for overlap-add: fall back to linear interpolation (changes pitch, but only on a few milliseconds).
            var y0 = new float[length];
            for (int i = 0; i < length; i++)
            {
                double p = x.Length == 1 || length == 1 ? 0 : (double)i * (x.Length - 1) / (length - 1);
                int a = (int)p;
                int b = Math.Min(a + 1, x.Length - 1);
                y0[i] = (float)(x[a] + (x[b] - x[a]) * (p - a));
            }
            return y0;
        }
        int hop = window / 2, tolerance = window / 4;
        var w = new double[window];
        for (int i = 0; i < window; i++) w[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / window);
        var y = new double[length + window];
        var norm = new double[length + window];
        double rate = (double)(x.Length - window) / Math.Max(1, length - window);
        int previous = -1;
        for (int outStart = 0; outStart < length; outStart += hop)
        {
            int nominal = (int)Math.Round(outStart * rate);
            int best = Math.Clamp(nominal, 0, x.Length - window);
            if (previous >= 0)
            {
                // The natural continuation of the previous frame starts at previous + hop; find the input offset most like it.
                int target = previous + hop;
                double bestScore = double.NegativeInfinity;
                for (int d = -tolerance; d <= tolerance; d++)
                {
                    int cand = nominal + d;
                    if (cand < 0 || cand > x.Length - window || target + window > x.Length) continue;
                    double score = 0;
                    for (int i = 0; i < window; i += 2) score += (double)x[cand + i] * x[target + i];
                    if (score > bestScore)
                    {
                        bestScore = score;
                        best = cand;
                    }
                }
            }
            for (int i = 0; i < window && outStart + i < y.Length; i++)
            {
                y[outStart + i] += x[best + i] * w[i];
                norm[outStart + i] += w[i];
            }
            previous = best;
        }
        var result = new float[length];
        for (int i = 0; i < length; i++) result[i] = norm[i] > 1e-3 ? (float)(y[i] / norm[i]) : 0f;
        return result;
    }
}
