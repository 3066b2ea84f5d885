namespace Lepton.Data.Audio.Dsp;

/// <summary>Linear convolution of a signal with a filter, truncated to the signal's length (the causal part a reverb needs).</summary>
public static class Convolution
{
    /// <summary>y[n] = sum_k h[k] x[n-k] for n below x's length, by zero-padded radix-2 FFTs.</summary>
    public static float[] Fft(ReadOnlySpan<float> x, ReadOnlySpan<double> h)
    {
        int n = 1;
        while (n < x.Length + h.Length - 1) n <<= 1;
        var xr = new double[n];
        var xi = new double[n];
        var hr = new double[n];
        var hi = new double[n];
        for (int i = 0; i < x.Length; i++) xr[i] = x[i];
        h.CopyTo(hr);
        Transform(xr, xi, inverse: false);
        Transform(hr, hi, inverse: false);
        for (int k = 0; k < n; k++)
        {
            double re = xr[k] * hr[k] - xi[k] * hi[k];
            xi[k] = xr[k] * hi[k] + xi[k] * hr[k];
            xr[k] = re;
        }
        Transform(xr, xi, inverse: true);
        var y = new float[x.Length];
        for (int i = 0; i < y.Length; i++) y[i] = (float)(xr[i] / n);
        return y;
    }

    /// <summary>The plain twin: the convolution sum. Slow; for tests.</summary>
    public static float[] Direct(ReadOnlySpan<float> x, ReadOnlySpan<double> h)
    {
        var y = new float[x.Length];
        for (int n = 0; n < x.Length; n++)
        {
            double acc = 0;
            for (int k = 0; k < h.Length && k <= n; k++) acc += h[k] * x[n - k];
            y[n] = (float)acc;
        }
        return y;
    }

    /// <summary>In-place iterative radix-2 complex FFT (length a power of two); the inverse is unscaled.</summary>
    internal static void Transform(double[] re, double[] im, bool inverse)
    {
        int n = re.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }
        for (int size = 2; size <= n; size <<= 1)
        {
            double angle = (inverse ? 2 : -2) * Math.PI / size;
            for (int j = 0; j < size / 2; j++)
            {
                double wr = Math.Cos(angle * j), wi = Math.Sin(angle * j);
                for (int start = 0; start < n; start += size)
                {
                    int a = start + j, b = a + size / 2;
                    double tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }
}
