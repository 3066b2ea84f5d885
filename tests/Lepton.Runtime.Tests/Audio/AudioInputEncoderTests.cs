using Lepton.Data.Audio;
using Lepton.Data.Audio.Features;
using Lepton.Data.Audio.Wav;
using Lepton.Engine;
using Lepton.NN.Presets;
using Lepton.Runtime.Audio;

namespace Lepton.Runtime.Tests.Audio;

/// <summary>
/// The audio model folder and its encoder: the spec and clip length written by <see cref="AudioModelFolder"/> come back;
/// a WAV is decoded, resampled, cut or padded and featurized exactly as the extractor does; a folder whose spec does not
/// fit its network, an over-long header and a non-WAV file are refused naming the problem.
/// </summary>
public sealed class AudioInputEncoderTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-runtime-audio", Guid.NewGuid().ToString("N"));
    private static readonly AudioFeatureSpec Spec = new(SampleRate: 8000, NFft: 256, Hop: 80, NMels: 24, FMax: 3800, Kind: AudioFeatureKind.Mfcc, NMfcc: 12);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string Save(double clipSeconds, int modelFrames)
    {
        var encoder = AudioInputEncoder.Create(Spec, clipSeconds, maxSeconds: 2);
        var model = AudioPresets.Build("kws-ds-cnn", modelFrames, Spec.Bins, 3, new Generator(1));
        AudioModelFolder.Save(_dir, model, encoder, ["a", "b", "c"]);
        return _dir;
    }

    private static float[] Tone(int rate, int n) => [.. Enumerable.Range(0, n).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 440 * i / rate)))];

    [Fact]
    public void TryLoad_SavedFolder_ReplaysSpecAndClipLengthAndEncodesLikeTheExtractor()
    {
        string dir = Save(0.6, Spec.Frames(4800));
        using var predictor = PredictorLoader.Default.Load(dir);
        var encoder = AudioInputEncoder.TryLoad(dir, predictor.Signature)!;
        Assert.Equal(Spec, encoder.Spec);
        Assert.Equal((0.6, 2.0, 4800), (encoder.ClipSeconds, encoder.MaxSeconds, encoder.Samples));

        var clip = encoder.ReadWav(WavWriter.ToBytes(Tone(22050, 9000), 22050), "tone");
        var features = encoder.Encode([clip, new AudioClip(Tone(8000, 100), 8000)])[0];
        Assert.Equal([2, 1, encoder.Frames, 12], features.Shape.ToArray());
        var expected = new AudioFeatureExtractor(Spec).ComputeFixed(clip, 4800).Values;
        Assert.Equal(expected, features.ToArray().AsSpan(0, expected.Length).ToArray());
        Assert.Null(AudioInputEncoder.TryLoad(Path.Combine(_dir, "missing"), predictor.Signature));
    }

    [Fact]
    public void TryLoad_ClipLengthThatDoesNotFitTheNetwork_NamesBothShapes()
    {
        string dir = Save(0.6, Spec.Frames(8000));
        using var predictor = PredictorLoader.Default.Load(dir);
        var e = Assert.Throws<InvalidDataException>(() => AudioInputEncoder.TryLoad(dir, predictor.Signature));
        Assert.Contains($"features (1,{Spec.Frames(4800)},12)", e.Message);
        Assert.Contains($"[-1,1,{Spec.Frames(8000)},12]", e.Message);
    }

    [Fact]
    public void ReadWav_OverLongHeaderOrNotAWav_RefusedBeforeDecoding()
    {
        var encoder = AudioInputEncoder.Create(Spec, 0.5, maxSeconds: 1);
        var tooLong = WavWriter.ToBytes(Tone(8000, 8001), 8000);
        var e = Assert.Throws<InvalidDataException>(() => encoder.ReadWav(tooLong, "long.wav"));
        Assert.True(WavReader.IsOverLimit(e));
        Assert.Contains("the limit is 1 s", e.Message);
        e = Assert.Throws<InvalidDataException>(() => encoder.ReadWav("OggS"u8.ToArray(), "clip.ogg"));
        Assert.False(WavReader.IsOverLimit(e));
        Assert.Contains("clip.ogg is not a WAV file", e.Message);
        Assert.Throws<ArgumentException>(() => encoder.EncodeWaveforms([0.1f, float.NaN], 1));
    }
}
