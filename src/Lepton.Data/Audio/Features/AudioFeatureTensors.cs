using Lepton.Data.Audio.Augmentation;
using Lepton.Engine;

namespace Lepton.Data.Audio.Features;

/// <summary>
/// Turns the labelled clips of an audio data set version into an in-memory training set: each clip through a feature spec
/// at a fixed length (<see cref="AudioFeatureExtractor.ComputeFixed"/>), optionally augmented (waveform terms, then
/// SpecAugment masks) with the draws of (epoch, clip index). Inputs (N, 1, frames, bins), targets the class indices of
/// the manifest's classes.
/// </summary>
public static class AudioFeatureTensors
{
    /// <summary>The readable labelled clips of <paramref name="split"/> (all when null) as features of <paramref name="seconds"/> seconds each.</summary>
    public static InMemoryDataset Build(AudioCorpus corpus, AudioFeatureSpec spec, double seconds, string? split = null,
        AudioAugmenter? augmenter = null, int epoch = 0, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        if (!(seconds > 0 && seconds <= 600)) throw new ArgumentException($"Audio feature tensors need a clip length of (0, 600] seconds; got {seconds}.");
        var extractor = new AudioFeatureExtractor(spec);
        int samples = (int)Math.Round(seconds * spec.SampleRate);
        int frames = spec.Frames(samples), bins = spec.Bins;
        var classIndex = corpus.Manifest.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var items = corpus.Manifest.Items.Where(i => i.IsReadable && i.Label is not null && (split is null || i.Split == split)).ToList();
        if (items.Count == 0)
            throw new InvalidOperationException($"The version has no readable labelled clips{(split is null ? "" : $" in split '{split}'")}; import or split it first.");
        var x = new float[(long)items.Count * frames * bins];
        var y = new int[items.Count];
        for (int n = 0; n < items.Count; n++)
        {
            ct.ThrowIfCancellationRequested();
            var clip = corpus.Clip(items[n]);
            if (augmenter is not null) clip = augmenter.Apply(clip, epoch, n);
            var f = extractor.ComputeFixed(clip, samples);
            if (augmenter is not null) f = augmenter.Mask(f, epoch, n);
            f.Values.CopyTo(x, (long)n * frames * bins);
            y[n] = classIndex[items[n].Label!];
        }
        return new InMemoryDataset(Tensor.FromArray(x, items.Count, 1, frames, bins), Tensor.FromArray(y, items.Count), corpus.Manifest.Classes);
    }
}
