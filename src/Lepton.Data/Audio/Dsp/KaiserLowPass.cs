namespace Lepton.Data.Audio.Dsp;

/// <summary>
/// A linear-phase windowed-sinc low-pass FIR filter with a Kaiser window, scaled to unit gain at 0 Hz: the same taps as
/// SciPy's <c>firwin(taps, cutoff, window=("kaiser", beta))</c>.
/// </summary>
public static class KaiserLowPass
{
    /// <summary>The taps; <paramref name="cutoff"/> is relative to Nyquist (0 to 1), <paramref name="taps"/> odd.</summary>
    public static double[] Design(int taps, double cutoff, double beta = 5.0)
    {
        if (taps < 1 || taps % 2 == 0) throw new ArgumentException($"KaiserLowPass needs an odd number of taps; got {taps}.");
        if (!(cutoff > 0 && cutoff <= 1)) throw new ArgumentException($"KaiserLowPass cutoff is relative to Nyquist, in (0, 1]; got {cutoff}.");
        var h = new double[taps];
        double alpha = 0.5 * (taps - 1), i0Beta = BesselI0(beta), sum = 0;
        for (int n = 0; n < taps; n++)
        {
            double m = n - alpha;
            double ratio = taps == 1 ? 0 : 2.0 * n / (taps - 1) - 1;
            double window = BesselI0(beta * Math.Sqrt(Math.Max(0, 1 - ratio * ratio))) / i0Beta;
            h[n] = cutoff * Sinc(cutoff * m) * window;
            sum += h[n];
        }
        for (int n = 0; n < taps; n++) h[n] /= sum;
        return h;
    }

    private static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    /// <summary>The modified Bessel function of the first kind, order 0, by its power series (converges for all x used here).</summary>
    internal static double BesselI0(double x)
    {
        double term = 1, sum = 1, q = x * x / 4;
        for (int k = 1; k < 500 && term > 1e-17 * sum; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
        }
        return sum;
    }
}
