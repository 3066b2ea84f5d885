using Lepton.Data.Audio.Dsp;

namespace Lepton.Data.Audio.Features;

/// <summary>
/// Computes a <see cref="AudioFeatureSpec"/>'s features: resample, trim, frame, FFT power, mel, log, DCT. Holds the window,
/// filter bank and DCT matrix for its spec. Not thread-safe (scratch buffers); make one per thread.
/// </summary>
public sealed class AudioFeatureExtractor
{
    private readonly PowerSpectrum _fft;
    private readonly MelFilterBank _mel;
    private readonly double[] _window;
    private readonly double[] _dct; // (NMfcc, NMels), orthonormal DCT-II rows
    private readonly double[] _frame, _power, _logMel;

    /// <summary>The spec this extractor computes.</summary>
    public AudioFeatureSpec Spec { get; }

    public AudioFeatureExtractor(AudioFeatureSpec spec)
    {
        Spec = spec.Validate();
        _fft = new PowerSpectrum(spec.NFft);
        _mel = new MelFilterBank(spec.SampleRate, spec.NFft, spec.NMels, spec.FMin, spec.FMax);
        _window = HannPeriodic(spec.NFft);
        _dct = DctMatrix(spec.NMfcc, spec.NMels);
        _frame = new double[spec.NFft];
        _power = new double[_fft.Bins];
        _logMel = new double[spec.NMels];
    }

    /// <summary>The clip's features: resampled to the spec's rate, trimmed if the spec says so, then log-mel or MFCC.</summary>
    public AudioFeatures Compute(AudioClip clip)
    {
        var x = clip.SampleRate == Spec.SampleRate ? clip.Samples : AudioResampler.Resample(clip.Samples, clip.SampleRate, Spec.SampleRate);
        return Compute(Prepare(x, Spec));
    }

    /// <summary>
    /// Features of a fixed number of frames, 1 + <paramref name="samples"/>/hop: resampled and trimmed as <see cref="Compute(AudioClip)"/>,
    /// then cut to <paramref name="samples"/> or padded with zeros at the end, so clips of any length batch together.
    /// </summary>
    public AudioFeatures ComputeFixed(AudioClip clip, int samples)
    {
        if (samples < 1) throw new ArgumentException($"ComputeFixed needs a positive number of samples; got {samples}.");
        var x = clip.SampleRate == Spec.SampleRate ? clip.Samples : AudioResampler.Resample(clip.Samples, clip.SampleRate, Spec.SampleRate);
        var prepared = Prepare(x, Spec);
        var fixedLength = new float[samples];
        prepared.AsSpan(0, Math.Min(samples, prepared.Length)).CopyTo(fixedLength);
        return Compute(fixedLength);
    }

    /// <summary>Features of samples already at the spec's rate and already trimmed (see <see cref="Prepare"/>).</summary>
    public AudioFeatures Compute(ReadOnlySpan<float> x)
    {
        if (x.Length == 0) throw new ArgumentException("Audio features need at least one sample; got an empty clip.");
        int frames = Spec.Frames(x.Length), bins = Spec.Bins, half = Spec.NFft / 2;
        var values = new float[frames * bins];
        for (int t = 0; t < frames; t++)
        {
            int start = t * Spec.Hop - half;
            for (int i = 0; i < Spec.NFft; i++) _frame[i] = x[Reflect(start + i, x.Length)] * _window[i];
            _fft.Compute(_frame, _power);
            _mel.Apply(_power, _logMel);
            for (int m = 0; m < Spec.NMels; m++) _logMel[m] = Math.Log(_logMel[m] + Spec.LogOffset);
            var row = values.AsSpan(t * bins, bins);
            if (Spec.Kind == AudioFeatureKind.LogMel)
                for (int m = 0; m < bins; m++) row[m] = (float)_logMel[m];
            else
                for (int c = 0; c < bins; c++)
                {
                    double acc = 0;
                    for (int m = 0; m < Spec.NMels; m++) acc += _dct[c * Spec.NMels + m] * _logMel[m];
                    row[c] = (float)acc;
                }
        }
        return new AudioFeatures(values, frames, bins);
    }

    /// <summary>The spec's trimming applied to samples at its rate (a copy either way).</summary>
    public static float[] Prepare(ReadOnlySpan<float> x, AudioFeatureSpec spec) =>
        spec.TrimTopDb > 0 ? VoiceActivityTrimmer.Trim(x, spec.NFft, spec.Hop, spec.TrimTopDb) : x.ToArray();

    /// <summary>Index i reflected into [0, n) without repeating the edge (NumPy's "reflect" padding).</summary>
    internal static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - i;
    }

    /// <summary>The periodic Hann window (SciPy's get_window("hann", n, fftbins=True)).</summary>
    internal static double[] HannPeriodic(int n)
    {
        var w = new double[n];
        for (int i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / n);
        return w;
    }

    /// <summary>Rows 0..rows-1 of the orthonormal DCT-II of size n, row-major.</summary>
    internal static double[] DctMatrix(int rows, int n)
    {
        var d = new double[rows * n];
        for (int k = 0; k < rows; k++)
        {
            double scale = k == 0 ? Math.Sqrt(1.0 / n) : Math.Sqrt(2.0 / n);
            for (int m = 0; m < n; m++) d[k * n + m] = scale * Math.Cos(Math.PI * k * (2 * m + 1) / (2.0 * n));
        }
        return d;
    }
}
