namespace Lepton.Data.Audio.Dsp;

/// <summary>
/// |DFT|^2 of a real frame of n samples, bins 0..n/2: when n is a power of two, an iterative radix-2 FFT of n/2 complex
/// points (the real-input packing), a table-driven DFT otherwise. One instance per n; not thread-safe (it keeps scratch buffers).
/// </summary>
public sealed class PowerSpectrum
{
    private readonly int _n;
    private readonly bool _radix2;
    private readonly double[] _cos, _sin;
    private readonly double[] _re, _im;
    private readonly int[] _bitReverse;

    /// <summary>Prepares the twiddles for frames of <paramref name="n"/> samples (2 to 65536).</summary>
    public PowerSpectrum(int n)
    {
        if (n < 2 || n > 65536) throw new ArgumentException($"PowerSpectrum needs a frame of 2 to 65536 samples; got {n}.");
        _n = n;
        _radix2 = (n & (n - 1)) == 0;
        _cos = new double[n];
        _sin = new double[n];
        for (int k = 0; k < n; k++)
        {
            _cos[k] = Math.Cos(2 * Math.PI * k / n);
            _sin[k] = Math.Sin(2 * Math.PI * k / n);
        }
        _re = new double[n];
        _im = new double[n];
        // The radix-2 path transforms n/2 complex points (see Compute).
        _bitReverse = new int[_radix2 ? n / 2 : 0];
        if (_radix2)
        {
            int bits = System.Numerics.BitOperations.Log2((uint)n / 2);
            for (int i = 0; i < n / 2; i++)
            {
                int r = 0;
                for (int b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
                _bitReverse[i] = r;
            }
        }
    }

    /// <summary>Bins of the spectrum: n/2 + 1.</summary>
    public int Bins => _n / 2 + 1;

    /// <summary>Writes |X[k]|^2 for k = 0..n/2 of <paramref name="frame"/> (n samples) into <paramref name="power"/>.</summary>
    public void Compute(ReadOnlySpan<double> frame, Span<double> power)
    {
        if (frame.Length != _n || power.Length < Bins)
            throw new ArgumentException($"PowerSpectrum({_n}) needs a frame of {_n} samples and {Bins} bins; got {frame.Length} and {power.Length}.");
        if (!_radix2)
        {
            Dft(frame, power);
            return;
        }
        // A real frame of n samples as a complex one of m = n/2 (even samples real, odd imaginary): one FFT of half the size,
        // then X[k] = E[k] + e^{-2 pi i k/n} O[k] with E, O the spectra of the even and odd samples, untangled from Z.
        int m = _n / 2;
        for (int i = 0; i < m; i++)
        {
            int r = _bitReverse[i];
            _re[r] = frame[2 * i];
            _im[r] = frame[2 * i + 1];
        }
        for (int size = 2; size <= m; size <<= 1)
        {
            int halfSize = size >> 1, step = _n / size;
            for (int start = 0; start < m; start += size)
            {
                for (int j = 0; j < halfSize; j++)
                {
                    // Twiddle e^{-2 pi i j / size}, read from the n-point table.
                    double wr = _cos[j * step], wi = -_sin[j * step];
                    int a = start + j, b = a + halfSize;
                    double tr = _re[b] * wr - _im[b] * wi, ti = _re[b] * wi + _im[b] * wr;
                    _re[b] = _re[a] - tr;
                    _im[b] = _im[a] - ti;
                    _re[a] += tr;
                    _im[a] += ti;
                }
            }
        }
        for (int k = 0; k <= m; k++)
        {
            int k1 = k % m, k2 = (m - k) % m;
            double zr = _re[k1], zi = _im[k1], cr = _re[k2], ci = -_im[k2]; // Z[k] and conj(Z[m-k])
            double er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci);               // E[k]
            double odr = 0.5 * (zi - ci), odi = -0.5 * (zr - cr);             // O[k] = (Z[k] - conj(Z[m-k])) / 2i
            double wr = _cos[k % _n], wi = -_sin[k % _n];
            double xr = er + wr * odr - wi * odi, xi = ei + wr * odi + wi * odr;
            power[k] = xr * xr + xi * xi;
        }
    }

    private void Dft(ReadOnlySpan<double> frame, Span<double> power)
    {
        for (int k = 0; k < Bins; k++)
        {
            double re = 0, im = 0;
            for (int t = 0, idx = 0; t < _n; t++, idx = (idx + k) % _n)
            {
                re += frame[t] * _cos[idx];
                im -= frame[t] * _sin[idx];
            }
            power[k] = re * re + im * im;
        }
    }

    /// <summary>The plain twin: the DFT's definition with Math.Cos and Math.Sin per term. Slow; for tests.</summary>
    public static double[] Reference(ReadOnlySpan<double> frame)
    {
        int n = frame.Length;
        var power = new double[n / 2 + 1];
        for (int k = 0; k < power.Length; k++)
        {
            double re = 0, im = 0;
            for (int t = 0; t < n; t++)
            {
                re += frame[t] * Math.Cos(2 * Math.PI * k * t / n);
                im -= frame[t] * Math.Sin(2 * Math.PI * k * t / n);
            }
            power[k] = re * re + im * im;
        }
        return power;
    }
}
