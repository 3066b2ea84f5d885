using Lepton.Data.Audio;
using Lepton.Data.Audio.Augmentation;
using Lepton.Data.Audio.Features;

namespace Lepton.Data.Tests.Audio;

/// <summary>
/// The cached keyword training set: clean features equal the extractor's on each clip (resampled, cut or padded); augmented
/// batches depend only on (seed, epoch, clip), not on batch composition, order or threads; the epoch changes them.
/// </summary>
public sealed class AudioTrainingSetTests
{
    private static readonly AudioFeatureSpec Spec = new(SampleRate: 16000, NMels: 32);
    private const int Samples = 8000; // 0.5 s

    // Clips of other rates and lengths, one per class index 0..2, repeated.
    private static (List<AudioClip> Clips, List<int> Labels) Clips()
    {
        var clips = new List<AudioClip>();
        var labels = new List<int>();
        for (int i = 0; i < 12; i++)
        {
            int rate = i % 3 == 0 ? 16000 : i % 3 == 1 ? 22050 : 8000;
            int n = (int)(rate * (0.3 + 0.1 * (i % 5)));
            var x = TestAudio.Sine(300 + 100 * (i % 3), rate, n, 0.4);
            var noise = TestAudio.Noise(n, 0.01, i);
            for (int k = 0; k < n; k++) x[k] += noise[k];
            clips.Add(new AudioClip(x, rate));
            labels.Add(i % 3);
        }
        return (clips, labels);
    }

    [Fact]
    public void CleanBatch_EqualsTheExtractorOnEachClip()
    {
        var (clips, labels) = Clips();
        var set = new AudioTrainingSet(clips, labels, ["a", "b", "c"], Spec, Samples);
        Assert.Equal([1, Spec.Frames(Samples), 32], set.InputShape.ToArray());
        var batch = set.GetBatch([7, 2, 10]);
        Assert.Equal([3, 1, Spec.Frames(Samples), 32], batch.Inputs.Shape.ToArray());
        Assert.Equal([labels[7], labels[2], labels[10]], batch.Targets.ToArray<int>());
        var values = batch.Inputs.ToArray();
        var extractor = new AudioFeatureExtractor(Spec);
        int row = Spec.Frames(Samples) * 32;
        foreach (var (index, k) in new[] { (7, 0), (2, 1), (10, 2) })
        {
            var expected = extractor.ComputeFixed(clips[index], Samples).Values;
            for (int j = 0; j < row; j++) Assert.Equal(expected[j], values[k * row + j], 1e-5f);
        }
    }

    [Fact]
    public void AugmentedBatch_DependsOnEpochAndClipOnly()
    {
        var (clips, labels) = Clips();
        var augmenter = new AudioAugmenter(AudioAugmentSpec.Parse("shift=0.1,noise=20,time_mask=5,freq_mask=4"), seed: 3);
        var set = new AudioTrainingSet(clips, labels, ["a", "b", "c"], Spec, Samples, augmenter);
        int row = set.InputShape.Size;
        set.SetEpoch(2);
        var all = set.GetBatch([.. Enumerable.Range(0, 12)]).Inputs.ToArray();
        // The same clip in another batch, another position and another set instance gives the same values.
        var again = new AudioTrainingSet(clips, labels, ["a", "b", "c"], Spec, Samples, augmenter);
        again.SetEpoch(2);
        var pair = again.GetBatch([9, 4]).Inputs.ToArray();
        Assert.Equal(all.AsSpan(9 * row, row).ToArray(), pair.AsSpan(0, row).ToArray());
        Assert.Equal(all.AsSpan(4 * row, row).ToArray(), pair.AsSpan(row, row).ToArray());
        // Augmentation changes the features, and the next epoch changes them again.
        Assert.NotEqual(set.CleanFeatures(4).ToArray(), all.AsSpan(4 * row, row).ToArray());
        set.SetEpoch(3);
        Assert.NotEqual(all.AsSpan(4 * row, row).ToArray(), set.GetBatch([4]).Inputs.ToArray());
    }

    [Fact]
    public void Create_MismatchedLabelsOrBadClass_NamesTheProblem()
    {
        var (clips, labels) = Clips();
        Assert.Contains("12 clips but 11 labels", Assert.Throws<ArgumentException>(() => new AudioTrainingSet(clips, labels[..11], ["a", "b", "c"], Spec, Samples)).Message);
        Assert.Contains("class index 2 is outside 0..1", Assert.Throws<ArgumentException>(() => new AudioTrainingSet(clips, labels, ["a", "b"], Spec, Samples)).Message);
    }
}
