using Lepton.Data.Audio.Augmentation;
using Lepton.Engine;

namespace Lepton.Data.Audio.Features;

/// <summary>
/// Keyword clips as a training set whose features are computed once: each clip is resampled, trimmed and cut or padded to
/// the clip length when the set is made, and its clean features (1,frames,bins) are cached. With an augmenter, every batch
/// draws new augmentations from (seed, epoch, clip index), never from thread order: waveform terms (shift, noise, speed,
/// ...) recompute that clip's features from its cached samples; SpecAugment masks are applied to the features. Batches are
/// gathered in parallel, one feature extractor per thread.
/// </summary>
public sealed class AudioTrainingSet : IDataset, IEpochAware
{
    private readonly float[][] _clips;
    private readonly int[] _labels;
    private readonly float[] _clean;
    private readonly int _row;
    private readonly AudioAugmenter? _augmenter;
    private readonly ThreadLocal<AudioFeatureExtractor> _extractors;
    private int _epoch;

    /// <param name="clips">The clips, at any rate (resampled to the spec's).</param>
    /// <param name="labels">Each clip's class index into <paramref name="classes"/>.</param>
    /// <param name="samples">The clip length in samples at the spec's rate.</param>
    /// <param name="augmenter">Augmentation of training batches; null for none (a test or validation set).</param>
    public AudioTrainingSet(IReadOnlyList<AudioClip> clips, IReadOnlyList<int> labels, IReadOnlyList<string> classes, AudioFeatureSpec spec, int samples,
        AudioAugmenter? augmenter = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(spec);
        if (clips.Count != labels.Count) throw new ArgumentException($"AudioTrainingSet got {clips.Count} clips but {labels.Count} labels.");
        if (samples < 1) throw new ArgumentException($"AudioTrainingSet needs a clip length of at least 1 sample; got {samples}.");
        for (int i = 0; i < clips.Count; i++)
            if (clips[i].Samples.Length == 0) throw new ArgumentException($"AudioTrainingSet: clip {i} has no samples.");
        foreach (int label in labels)
            if ((uint)label >= (uint)classes.Count) throw new ArgumentException($"AudioTrainingSet: class index {label} is outside 0..{classes.Count - 1}.");
        Spec = spec.Validate();
        ClassNames = classes;
        Samples = samples;
        Frames = spec.Frames(samples);
        _row = Frames * spec.Bins;
        InputShape = new Shape(1, Frames, spec.Bins);
        _labels = [.. labels];
        _augmenter = augmenter;
        _extractors = new ThreadLocal<AudioFeatureExtractor>(() => new AudioFeatureExtractor(Spec));
        _clips = new float[clips.Count][];
        _clean = new float[(long)clips.Count * _row];
        Parallel.For(0, clips.Count, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var clip = clips[i];
            var x = clip.SampleRate == Spec.SampleRate ? clip.Samples : Dsp.AudioResampler.Resample(clip.Samples, clip.SampleRate, Spec.SampleRate);
            var prepared = AudioFeatureExtractor.Prepare(x, Spec);
            var fixedLength = new float[samples];
            prepared.AsSpan(0, Math.Min(samples, prepared.Length)).CopyTo(fixedLength);
            _clips[i] = fixedLength;
            _extractors.Value!.Compute(fixedLength).Values.CopyTo(_clean, (long)i * _row);
        });
    }

    /// <summary>The features every example is computed with.</summary>
    public AudioFeatureSpec Spec { get; }

    /// <summary>Samples per clip at the spec's rate.</summary>
    public int Samples { get; }

    /// <summary>Feature frames per clip.</summary>
    public int Frames { get; }

    public int Count => _labels.Length;

    public Shape InputShape { get; }

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The class index of each example.</summary>
    public IReadOnlyList<int> Labels => _labels;

    public void SetEpoch(int epoch) => Volatile.Write(ref _epoch, epoch);

    /// <summary>The clean (unaugmented) features of example <paramref name="index"/>, (frames, bins) row-major.</summary>
    public ReadOnlySpan<float> CleanFeatures(int index) => _clean.AsSpan(index * _row, _row);

    public Batch GetBatch(ReadOnlySpan<int> indices)
    {
        int n = indices.Length;
        var x = new float[(long)n * _row];
        var y = new int[n];
        int[] chosen = indices.ToArray();
        int epoch = Volatile.Read(ref _epoch);
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = n < 8 ? 1 : -1 }, k =>
        {
            int i = chosen[k];
            y[k] = _labels[i];
            var target = x.AsSpan(k * _row, _row);
            if (_augmenter is null)
            {
                CleanFeatures(i).CopyTo(target);
                return;
            }
            AudioFeatures features;
            if (_augmenter.Spec.ChangesWaveform)
            {
                var clip = _augmenter.Apply(new AudioClip(_clips[i], Spec.SampleRate), epoch, i);
                features = _extractors.Value!.ComputeFixed(clip, Samples);
            }
            else features = new AudioFeatures(CleanFeatures(i).ToArray(), Frames, Spec.Bins);
            _augmenter.Mask(features, epoch, i).Values.CopyTo(target);
        });
        return new Batch(Tensor.FromArray(x, n, 1, Frames, Spec.Bins), Tensor.FromArray(y, n)); // inputs: (N,1,frames,bins)
    }
}
