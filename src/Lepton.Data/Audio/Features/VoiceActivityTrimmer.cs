namespace Lepton.Data.Audio.Features;

/// <summary>
/// Energy-based trimming: frames (length <c>frame</c>, step <c>hop</c>, not centered) whose RMS is within <c>topDb</c> dB
/// of the loudest frame count as voiced; the clip keeps the samples from the first voiced frame's start to the last voiced
/// frame's end. A silent clip (all zeros) is kept whole: inspection, not trimming, reports silence.
/// </summary>
public static class VoiceActivityTrimmer
{
    /// <summary>The kept range (start, length) of <paramref name="x"/>.</summary>
    public static (int Start, int Length) Range(ReadOnlySpan<float> x, int frame, int hop, double topDb)
    {
        if (x.Length <= frame) return (0, x.Length);
        int frames = 1 + (x.Length - frame) / hop;
        var energy = new double[frames];
        double max = 0;
        for (int t = 0; t < frames; t++)
        {
            double sum = 0;
            foreach (float v in x.Slice(t * hop, frame)) sum += (double)v * v;
            energy[t] = sum / frame;
            max = Math.Max(max, energy[t]);
        }
        if (max == 0) return (0, x.Length);
        // Compare mean squares: topDb on RMS is topDb on power as 10 log10.
        double threshold = max * Math.Pow(10, -topDb / 10);
        int first = 0, last = frames - 1;
        while (energy[first] <= threshold && first < last) first++;
        while (energy[last] <= threshold && last > first) last--;
        int start = first * hop, end = Math.Min(x.Length, last * hop + frame);
        return (start, end - start);
    }

    /// <summary>The trimmed copy of <paramref name="x"/>.</summary>
    public static float[] Trim(ReadOnlySpan<float> x, int frame, int hop, double topDb)
    {
        var (start, length) = Range(x, frame, hop, topDb);
        return x.Slice(start, length).ToArray();
    }
}
