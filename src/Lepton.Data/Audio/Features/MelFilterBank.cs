namespace Lepton.Data.Audio.Features;

/// <summary>
/// HTK-mel triangular filters on the FFT bin frequencies k x rate / n_fft: band m rises from mel point m to m+1 and falls
/// to m+2, the NMels+2 points evenly spaced in mel between FMin and FMax; peaks are 1 (no area normalisation).
/// </summary>
public sealed class MelFilterBank
{
    /// <summary>weights[m][k - First[m]]: the nonzero span of band m.</summary>
    private readonly double[][] _weights;

    /// <summary>The first FFT bin of each band's nonzero span.</summary>
    public int[] First { get; }

    /// <summary>Bands.</summary>
    public int Bands => _weights.Length;

    /// <summary>FFT bins: n_fft/2 + 1.</summary>
    public int Bins { get; }

    public MelFilterBank(int sampleRate, int nFft, int nMels, double fMin, double fMax)
    {
        Bins = nFft / 2 + 1;
        var dense = Dense(sampleRate, nFft, nMels, fMin, fMax);
        _weights = new double[nMels][];
        First = new int[nMels];
        for (int m = 0; m < nMels; m++)
        {
            int lo = 0, hi = Bins - 1;
            while (lo < Bins && dense[m, lo] == 0) lo++;
            while (hi >= lo && dense[m, hi] == 0) hi--;
            First[m] = Math.Min(lo, Bins - 1);
            _weights[m] = new double[Math.Max(0, hi - lo + 1)];
            for (int k = lo; k <= hi; k++) _weights[m][k - lo] = dense[m, k];
        }
    }

    /// <summary>The full matrix (NMels, n_fft/2+1), straight from the definition.</summary>
    public static double[,] Dense(int sampleRate, int nFft, int nMels, double fMin, double fMax)
    {
        int bins = nFft / 2 + 1;
        double melMin = HzToMel(fMin), melMax = HzToMel(fMax);
        var points = new double[nMels + 2];
        for (int i = 0; i < points.Length; i++) points[i] = MelToHz(melMin + (melMax - melMin) * i / (nMels + 1));
        var fb = new double[nMels, bins];
        for (int m = 0; m < nMels; m++)
        {
            double lo = points[m], c = points[m + 1], hi = points[m + 2];
            for (int k = 0; k < bins; k++)
            {
                double f = (double)k * sampleRate / nFft;
                fb[m, k] = Math.Max(0, Math.Min((f - lo) / (c - lo), (hi - f) / (hi - c)));
            }
        }
        return fb;
    }

    /// <summary>Writes the band energies of <paramref name="power"/> (n_fft/2+1 bins) into <paramref name="mel"/>.</summary>
    public void Apply(ReadOnlySpan<double> power, Span<double> mel)
    {
        for (int m = 0; m < _weights.Length; m++)
        {
            var w = _weights[m];
            var p = power.Slice(First[m], w.Length);
            double acc = 0;
            for (int i = 0; i < w.Length; i++) acc += w[i] * p[i];
            mel[m] = acc;
        }
    }

    /// <summary>The HTK mel scale: 2595 log10(1 + f/700).</summary>
    public static double HzToMel(double hz) => 2595.0 * Math.Log10(1.0 + hz / 700.0);

    /// <summary>The inverse of <see cref="HzToMel"/>.</summary>
    public static double MelToHz(double mel) => 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0);
}
