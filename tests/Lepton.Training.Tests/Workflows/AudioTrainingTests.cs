using Lepton.Data.Audio;
using Lepton.Training.Callbacks;
using Lepton.Training.Workflows.Audio;
using Lepton.Tests.Shared;

namespace Lepton.Training.Tests.Workflows;

/// <summary>
/// The keyword training workflow on an in-memory corpus of synthetic commands: speakers held out whole when the version has
/// no test split, the same seed giving the same run, Ctrl+C leaving no folder, and the default clip length.
/// </summary>
public sealed class AudioTrainingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-training-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    // speakers x takes clips per label, 0.5 s at 16 kHz, stored as the import stores them (16-bit, one blob), no splits.
    private static AudioCorpus Corpus(int speakers, int takes)
    {
        var rng = new Random(3);
        var blob = new MemoryStream();
        var items = new List<AudioItem>();
        for (int s = 0; s < speakers; s++)
            foreach (var label in SyntheticCommands.Labels)
                for (int t = 0; t < takes; t++)
                {
                    var x = SyntheticCommands.Clip(label, 0.8 + 0.1 * s, 16000, 0.5, rng);
                    items.Add(new AudioItem($"{label}/spk{s}_{t}.wav", "h", 44 + 2 * x.Length, label, Group: $"spk{s}", Offset: blob.Position, Samples: x.Length,
                        SourceRate: 16000, SourceChannels: 1, Seconds: 0.5));
                    foreach (float v in x) blob.Write(BitConverter.GetBytes((short)Math.Clamp(Math.Round(v * 32767), -32768, 32767)));
                }
        return new AudioCorpus(new AudioManifest(items, [.. SyntheticCommands.Labels.Order(StringComparer.Ordinal)], 16000, "r", "b"), blob.ToArray());
    }

    private static AudioRecipe Recipe(int epochs) => new("commands@1", "kws-ds-cnn", Epochs: epochs, BatchSize: 16, Seed: 2);

    [Fact]
    public void Run_SameSeedTwice_SameLossesWholeSpeakersHeldOutAndAFolderThatLoads()
    {
        var corpus = Corpus(speakers: 7, takes: 2);
        var first = AudioTraining.Run(corpus, "commands@1", Recipe(2), Path.Combine(_dir, "a"));
        var second = AudioTraining.Run(corpus, "commands@1", Recipe(2), Path.Combine(_dir, "b"));
        Assert.Equal(first.History.Epochs.Select(e => e.TrainLoss), second.History.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(first.TestMetrics["test_accuracy"], second.TestMetrics["test_accuracy"]);
        Assert.Equal(70, first.TrainClips + first.TestClips);
        Assert.True(first.TestClips > 0 && first.TestClips % 10 == 0, $"{first.TestClips} test clips are not whole speakers of 10 clips");
        Assert.Equal(0.5, first.ClipSeconds);

        // Held out by speaker: no voice in both.
        var (train, _, test) = AudioTrainingSplits.Split(corpus.Manifest, 2);
        Assert.Empty(train.Select(i => i.Group).Intersect(test.Select(i => i.Group)));

        string folder = Path.Combine(_dir, "a");
        Assert.True(File.Exists(Path.Combine(folder, "audio_features.json")));
        Assert.True(File.Exists(Path.Combine(folder, "evaluation.json")));
        using var predictor = Lepton.Runtime.PredictorLoader.Default.Load(folder);
        var encoder = Lepton.Runtime.Audio.AudioInputEncoder.TryLoad(folder, predictor.Signature)!;
        Assert.Equal((0.5, 16000), (encoder.ClipSeconds, encoder.Spec.SampleRate));
        Assert.Equal(SyntheticCommands.Labels.Order(StringComparer.Ordinal), predictor.Signature.ClassNames);
    }

    private sealed class CancelAfterFirstEpoch(CancellationTokenSource cts) : ICallback
    {
        public void OnEpochEnd(TrainContext context, EpochRecord record) => cts.Cancel();
    }

    [Fact]
    public void Run_CancelledAfterTheFirstEpoch_StopsAndWritesNoFolder()
    {
        using var cts = new CancellationTokenSource();
        string folder = Path.Combine(_dir, "cancelled");
        var outcome = AudioTraining.Run(Corpus(speakers: 3, takes: 1), "commands@1", Recipe(5), folder, [new CancelAfterFirstEpoch(cts)], ct: cts.Token);
        Assert.True(outcome.Cancelled);
        Assert.Single(outcome.History.Epochs);
        Assert.False(File.Exists(Path.Combine(folder, "model.json")));
    }

    [Fact]
    public void ClipLength_Is95thPercentileRoundedUpToATenth()
    {
        var items = Enumerable.Range(0, 100).Select(i => new AudioItem($"{i}.wav", "h", 0, "a", Samples: i < 95 ? 16000 : 40000)).ToList();
        Assert.Equal(1.0, AudioTraining.ClipLength(items, 16000));
        items = [.. Enumerable.Range(0, 20).Select(i => new AudioItem($"{i}.wav", "h", 0, "a", Samples: 11_300))];
        Assert.Equal(0.8, AudioTraining.ClipLength(items, 16000));
    }

    [Fact]
    public void Recipe_UnknownModelOrAugmentation_NamesTheChoices()
    {
        Assert.Contains("kws-cnn, kws-ds-cnn", Assert.Throws<ArgumentException>(() => new AudioRecipe("k@1", "resnet").Validate()).Message);
        Assert.Contains("Unknown audio augmentation 'flip'", Assert.Throws<ArgumentException>(() => new AudioRecipe("k@1", Augment: "flip").Validate()).Message);
        Assert.Equal(Lepton.Data.Audio.Augmentation.AudioAugmentSpec.None, new AudioRecipe("k@1", Augment: "none").AugmentSpec);
    }
}
