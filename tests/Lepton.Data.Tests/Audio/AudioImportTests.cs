using Lepton.Data.Audio;
using Lepton.Data.Audio.Augmentation;
using Lepton.Data.Audio.Import;
using Lepton.Data.Audio.Inspection;
using Lepton.Data.Audio.Wav;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Splits;

namespace Lepton.Data.Tests.Audio;

/// <summary>
/// Audio import on planted folders and manifests of tiny WAVs: layout, speakers, resampling into the blob, problems kept as
/// items, identical blobs on every run, path refusals; inspection of planted problems; speaker-grouped splits; kind sniffing.
/// </summary>
public sealed class AudioImportTests : IDisposable
{
    private readonly string _root = TestData.TempDir();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Wav(string relative, float[] samples, int rate = 16000, WavSampleFormat format = WavSampleFormat.Pcm)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        WavWriter.Write(path, samples, rate, format);
        return path;
    }

    private string Manifest(params string[] lines)
    {
        var path = Path.Combine(_root, "manifest.csv");
        File.WriteAllLines(path, ["path,label,speaker", .. lines]);
        return path;
    }

    private (AudioManifest Manifest, AudioCorpus Corpus, AudioImportOutcome Outcome) Import(string path, AudioImportOptions? options = null)
    {
        string blob = Path.Combine(_root, ".blob-" + Guid.NewGuid().ToString("N"));
        var outcome = new AudioImporter(options ?? new AudioImportOptions()).Import(path, blob);
        var bytes = File.ReadAllBytes(blob);
        File.Delete(blob);
        return (outcome.Manifest, new AudioCorpus(outcome.Manifest, bytes), outcome);
    }

    [Fact]
    public void Import_CommandFolders_LabelsFromFoldersSpeakersFromSpeechCommandsNames()
    {
        Wav("yes/abc123_nohash_0.wav", TestAudio.Sine(300, 16000, 8000));
        Wav("yes/def456_nohash_1.wav", TestAudio.Sine(310, 16000, 8000));
        Wav("no/abc123_nohash_0.wav", TestAudio.Sine(500, 16000, 8000));
        File.WriteAllText(Path.Combine(_root, "no", "readme.txt"), "not audio");
        var (m, _, outcome) = Import(_root);
        Assert.Equal("command-folders", outcome.Layout);
        Assert.Equal(["no", "yes"], m.Classes);
        Assert.Equal(["no/abc123_nohash_0.wav", "yes/abc123_nohash_0.wav", "yes/def456_nohash_1.wav"], m.Items.Select(i => i.Path));
        Assert.Equal(["abc123", "abc123", "def456"], m.Items.Select(i => i.Group));
        Assert.Contains(outcome.Skipped, s => s.StartsWith("no/readme.txt: skipped, .txt is not WAV", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_ClipAt44100_IsStoredResampledTo16000()
    {
        var x = TestAudio.Sine(440, 44100, 44100);
        Wav("go/a.wav", x, 44100, WavSampleFormat.Float);
        var (m, corpus, _) = Import(_root);
        var item = Assert.Single(m.Items);
        Assert.Equal((44100, 1, 16000), (item.SourceRate, item.SourceChannels, item.Samples));
        Assert.Equal(1.0, item.Seconds, 6);
        var clip = corpus.Clip(item);
        Assert.Equal(16000, clip.SampleRate);
        var expected = Lepton.Data.Audio.Dsp.AudioResampler.Resample(x, 44100, 16000);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(clip.Samples[i] - expected[i]) <= 1 / 32768f, $"[{i}]");
        Assert.Equal(20 * Math.Log10(0.5 / Math.Sqrt(2)), item.RmsDb, 1);
    }

    [Fact]
    public void Import_ManifestWithSpeakerColumn_KeepsSpeakersAndRefusesAPathOutsideTheRoot()
    {
        Wav("clips/1.wav", TestAudio.Sine(300, 16000, 4000));
        Wav("clips/2.wav", TestAudio.Sine(400, 16000, 4000));
        var (m, _, outcome) = Import(Manifest("clips/1.wav,up,alice", "clips/2.wav,down,bob"));
        Assert.Equal("manifest", outcome.Layout);
        Assert.Equal(["alice", "bob"], m.Items.Select(i => i.Group));
        Assert.Equal(["up", "down"], m.Items.Select(i => i.Label));
        var e = Assert.Throws<AudioImportException>(() => Import(Manifest("clips/1.wav,up,alice", "../../etc/passwd,down,bob")));
        Assert.Contains("manifest.csv line 3", e.Message);
    }

    [Fact]
    public void Import_BrokenTruncatedAndEmptyFiles_BecomeItemsWithProblems()
    {
        Wav("up/good.wav", TestAudio.Sine(300, 16000, 4000));
        File.WriteAllBytes(Path.Combine(_root, "up", "text.wav"), "hello"u8.ToArray());
        var cut = WavWriter.ToBytes(TestAudio.Sine(300, 16000, 4000), 16000);
        File.WriteAllBytes(Path.Combine(_root, "up", "cut.wav"), cut[..1000]);
        File.WriteAllBytes(Path.Combine(_root, "up", "empty.wav"), WavWriter.ToBytes([], 16000));
        var (m, corpus, _) = Import(_root);
        Assert.Equal(4, m.Items.Count);
        Assert.Contains("not a WAV", m.Items.Single(i => i.Path == "up/text.wav").Problem);
        Assert.Contains("truncated", m.Items.Single(i => i.Path == "up/cut.wav").Problem);
        Assert.Contains("zero-length", m.Items.Single(i => i.Path == "up/empty.wav").Problem);
        Assert.True(m.Items.Single(i => i.Path == "up/good.wav").IsReadable);
        var report = AudioDatasetInspector.Inspect(corpus);
        Assert.Equal(3, report.OfKind(AudioInspectionKinds.Unreadable).Count());
    }

    [Fact]
    public void Import_TwiceWithParallelBlocks_GivesTheSameBlobBytesAndContentHash()
    {
        for (int i = 0; i < 150; i++) Wav($"c{i % 3}/{i:D3}.wav", TestAudio.Noise(300 + i, 0.3, i), i % 2 == 0 ? 16000 : 8000);
        string b1 = Path.Combine(_root, ".b1"), b2 = Path.Combine(_root, ".b2");
        var o1 = new AudioImporter(new AudioImportOptions()).Import(_root, b1);
        var o2 = new AudioImporter(new AudioImportOptions()).Import(_root, b2);
        Assert.Equal(File.ReadAllBytes(b1), File.ReadAllBytes(b2));
        Assert.Equal(o1.Manifest.ContentHash(), o2.Manifest.ContentHash());
        Assert.NotEqual(o1.Manifest.ContentHash(), new AudioImporter(new AudioImportOptions(SampleRate: 8000)).Import(_root, b2).Manifest.ContentHash());
    }

    [Fact]
    public void Import_HeaderLongerThanMaxSeconds_IsAProblemNotARead()
    {
        Wav("on/long.wav", new float[32000]);
        var (m, _, _) = Import(_root, new AudioImportOptions(MaxSeconds: 1.5));
        Assert.Contains("limit is 1.5 s", Assert.Single(m.Items).Problem);
    }

    [Fact]
    public void Inspect_PlantedProblems_EachReportedUnderItsKind()
    {
        var tone = TestAudio.Sine(300, 16000, 16000, amplitude: 0.3);
        var loud = TestAudio.Sine(300, 16000, 16000, amplitude: 3); // clipped to full scale when written as 16-bit
        Wav("yes/a.wav", tone);
        Wav("yes/a-copy.wav", tone);
        Wav("no/a-relabelled.wav", TestAudio.Sine(300, 16000, 16000, amplitude: 0.3));
        Wav("yes/quiet.wav", TestAudio.Noise(16000, 0.001, 1));
        Wav("yes/loud.wav", loud);
        Wav("yes/blip.wav", TestAudio.Sine(300, 16000, 800));
        Wav("no/b.wav", TestAudio.Sine(500, 16000, 16000, amplitude: 0.3));
        var (m, corpus, _) = Import(_root);
        var report = AudioDatasetInspector.Inspect(corpus, new AudioInspectionOptions(MinSeconds: 0.1));
        Assert.Equal(["yes/quiet.wav"], report.OfKind(AudioInspectionKinds.Silence).SelectMany(f => f.Files));
        Assert.Equal(["yes/loud.wav"], report.OfKind(AudioInspectionKinds.Clipping).SelectMany(f => f.Files));
        Assert.Equal(["yes/blip.wav"], report.OfKind(AudioInspectionKinds.TooShort).SelectMany(f => f.Files));
        // a, a-copy and a-relabelled hold the same samples: one group with two labels.
        var conflict = Assert.Single(report.OfKind(AudioInspectionKinds.ConflictingLabels));
        Assert.Equal(["no/a-relabelled.wav", "yes/a-copy.wav", "yes/a.wav"], conflict.Files);
        Assert.Empty(report.OfKind(AudioInspectionKinds.ExactDuplicate));
        var tooLong = AudioDatasetInspector.Inspect(corpus, new AudioInspectionOptions(MaxSeconds: 0.5));
        Assert.Equal(6, tooLong.OfKind(AudioInspectionKinds.TooLong).Count());
        Assert.Equal(m.Items.Count, report.Items);
    }

    [Fact]
    public void Inspect_SameSpeakerInTwoSplits_IsSpeakerLeakage_SplitBySpeakerFixesIt()
    {
        var lines = new List<string>();
        for (int s = 0; s < 6; s++)
            for (int k = 0; k < 4; k++)
            {
                Wav($"c/{s}_{k}.wav", TestAudio.Sine(200 + 37 * s + 11 * k, 16000, 2000));
                lines.Add($"c/{s}_{k}.wav,{(k % 2 == 0 ? "left" : "right")},spk{s}");
            }
        var (m, _, _) = Import(Manifest([.. lines]));
        var byPath = AudioSplitter.Split(m, new SplitOptions(Test: 0.5, Seed: 3)).Manifest;
        var bySpeaker = AudioSplitter.Split(m, new SplitOptions(Test: 0.5, Grouped: true, Seed: 3)).Manifest;
        Assert.All(bySpeaker.Items.GroupBy(i => i.Group), g => Assert.Single(g.Select(i => i.Split).Distinct()));
        Assert.Contains(bySpeaker.Items, i => i.Split == ImageSplits.Test);
        Assert.Contains(bySpeaker.Items, i => i.Split == ImageSplits.Train);
        Assert.NotEmpty(InspectSplits(byPath).OfKind(AudioInspectionKinds.SpeakerLeakage));
        Assert.Empty(InspectSplits(bySpeaker).OfKind(AudioInspectionKinds.SpeakerLeakage));
    }

    private static AudioInspectionReport InspectSplits(AudioManifest m) =>
        // Speaker leakage needs only the manifest's metadata: every clip is given zero samples, so only the leakage findings matter here.
        AudioDatasetInspector.Inspect(new AudioCorpus(m with { Items = [.. m.Items.Select(i => i with { Offset = 0, Samples = 0 })] }, []));

    [Fact]
    public void Clean_SpeakerLeakage_RefusedWithTheSplitAdvice()
    {
        var m = new AudioManifest([], [], 16000, "", "");
        var report = AudioDatasetInspector.Inspect(new AudioCorpus(m, []));
        var e = Assert.Throws<ArgumentException>(() => AudioDatasetCleaner.Clean(m, report, new HashSet<string> { AudioInspectionKinds.SpeakerLeakage }));
        Assert.Contains("--group-column speaker", e.Message);
    }

    [Fact]
    public void Sniffer_WavFolderAndWavManifest_AreAudio_TextFolderIsNot()
    {
        Wav("a/1.wav", TestAudio.Sine(300, 16000, 100));
        File.WriteAllBytes(Path.Combine(_root, "a", "noext"), WavWriter.ToBytes(TestAudio.Sine(300, 16000, 100), 16000));
        Assert.True(AudioKindSniffer.IsAudio(_root));
        Assert.True(AudioKindSniffer.IsAudio(Manifest("a/1.wav,up,x")));
        var text = Path.Combine(_root, "texts", "ham");
        Directory.CreateDirectory(text);
        File.WriteAllText(Path.Combine(text, "1.txt"), "hello");
        Assert.False(AudioKindSniffer.IsAudio(Path.Combine(_root, "texts")));
        Assert.False(AudioKindSniffer.IsAudio(Path.Combine(_root, "a", "1.wav")));
    }

    [Fact]
    public void Manifest_JsonRoundTrip_KeepsItemsAndStatistics()
    {
        Wav("up/a.wav", TestAudio.Sine(300, 16000, 4000));
        File.WriteAllBytes(Path.Combine(_root, "up", "bad.wav"), "RIFF"u8.ToArray());
        var (m, _, _) = Import(_root);
        var back = AudioManifest.FromJson(m.ToJson());
        Assert.Equal(m.Items, back.Items);
        Assert.Equal(m.ContentHash(), back.ContentHash());
    }

    [Fact]
    public void FeatureTensors_ClipsOfAnyLength_BecomeFixedFrameInputsWithClassIndices()
    {
        Wav("go/short.wav", TestAudio.Sine(300, 16000, 4000));
        Wav("go/long.wav", TestAudio.Sine(300, 16000, 30000));
        Wav("stop/b.wav", TestAudio.Sine(900, 8000, 8000), rate: 8000);
        var (_, corpus, _) = Import(_root);
        var spec = new Lepton.Data.Audio.Features.AudioFeatureSpec();
        var data = Lepton.Data.Audio.Features.AudioFeatureTensors.Build(corpus, spec, seconds: 1.0);
        Assert.Equal([3, 1, 101, 40], data.Inputs.Shape.ToArray());
        Assert.Equal([0, 0, 1], data.Targets.ToArray().Select(v => (int)v));
        // The short clip is zero-padded: its last frames hold only the log offset, ln(1e-6).
        var v = data.Inputs.ToArray();
        int perClip = 101 * 40, shortClip = 1; // items in path order: go/long, go/short, stop/b
        Assert.Equal(Math.Log(1e-6), v[shortClip * perClip + 100 * 40 + 5], 3);
        var augmented = Lepton.Data.Audio.Features.AudioFeatureTensors.Build(corpus, spec, 1.0,
            augmenter: new AudioAugmenter(AudioAugmentSpec.Parse("noise=10,time_mask=20"), seed: 1), epoch: 1);
        Assert.NotEqual(v, augmented.Inputs.ToArray());
    }

    [Fact]
    public void Import_SamplesOverTheTotalLimit_RefusedAndTheBlobFileRemoved()
    {
        Wav("up/a.wav", TestAudio.Sine(300, 16000, 8000));
        Wav("up/b.wav", TestAudio.Sine(300, 16000, 8000));
        string blob = Path.Combine(_root, ".blob-limit");
        var e = Assert.Throws<AudioImportException>(() => new AudioImporter(new AudioImportOptions(MaxTotalBytes: 20_000)).Import(_root, blob));
        Assert.Contains("up/b.wav", e.Message);
        Assert.False(File.Exists(blob));
    }

    [Fact]
    public void Import_Cancelled_ThrowsAndLeavesNoBlob()
    {
        Wav("up/a.wav", TestAudio.Sine(300, 16000, 800));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        string blob = Path.Combine(_root, ".blob-cancel");
        Assert.ThrowsAny<OperationCanceledException>(() => new AudioImporter(new AudioImportOptions()).Import(_root, blob, ct: cts.Token));
        Assert.False(File.Exists(blob));
    }

    [Fact]
    public void Import_KerasSplitFolders_KeepTheSplits()
    {
        Wav("train/yes/a.wav", TestAudio.Sine(300, 16000, 800));
        Wav("test/yes/b.wav", TestAudio.Sine(320, 16000, 800));
        var (m, _, outcome) = Import(_root);
        Assert.Equal("keras-splits", outcome.Layout);
        Assert.Equal([("test/yes/b.wav", "test"), ("train/yes/a.wav", "train")], m.Items.Select(i => (i.Path, i.Split)));
    }
}
