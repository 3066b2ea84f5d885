using Lepton.Data.Audio;
using Lepton.Data.Audio.Dsp;
using Lepton.Data.Audio.Features;

namespace Lepton.Data.Tests.Audio;

/// <summary>
/// Log-mel and MFCC features against NumPy/SciPy (fixture, to 1e-4), the fast path against its plain twin, the FFT against
/// the DFT, trimming, and the spec's JSON round trip.
/// </summary>
public class AudioFeatureTests
{
    private static AudioFeatureSpec FixtureSpec(AudioFeatureKind kind = AudioFeatureKind.LogMel)
    {
        var s = AudioFixture.Root.GetProperty("spec");
        return new AudioFeatureSpec(s.GetProperty("sample_rate").GetInt32(), s.GetProperty("n_fft").GetInt32(), s.GetProperty("hop").GetInt32(),
            s.GetProperty("n_mels").GetInt32(), s.GetProperty("fmin").GetDouble(), s.GetProperty("fmax").GetDouble(),
            s.GetProperty("log_offset").GetDouble(), s.GetProperty("n_mfcc").GetInt32(), kind);
    }

    public static TheoryData<string> Signals => [.. AudioFixture.Root.GetProperty("features").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    [Fact]
    public void MelFilterBank_Dense_MatchesNumpy()
    {
        var spec = FixtureSpec();
        var expected = AudioFixture.Rows(AudioFixture.Root.GetProperty("mel_filterbank"));
        var fb = MelFilterBank.Dense(spec.SampleRate, spec.NFft, spec.NMels, spec.FMin, spec.FMax);
        Assert.Equal(spec.NMels, expected.Length);
        for (int m = 0; m < spec.NMels; m++)
            for (int k = 0; k < expected[m].Length; k++) Assert.True(Math.Abs(fb[m, k] - expected[m][k]) < 1e-7, $"[{m},{k}] {fb[m, k]} vs {expected[m][k]}");
    }

    [Theory]
    [MemberData(nameof(Signals))]
    public void LogMel_FixtureSignal_MatchesNumpyWithin1e4(string name) => AssertMatches(name, AudioFeatureKind.LogMel, "log_mel");

    [Theory]
    [MemberData(nameof(Signals))]
    public void Mfcc_FixtureSignal_MatchesScipyWithin1e4(string name) => AssertMatches(name, AudioFeatureKind.Mfcc, "mfcc");

    private static void AssertMatches(string name, AudioFeatureKind kind, string field)
    {
        var c = AudioFixture.Root.GetProperty("features").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var x = AudioFixture.Floats(c.GetProperty("signal"));
        var expected = AudioFixture.Rows(c.GetProperty(field));
        var f = new AudioFeatureExtractor(FixtureSpec(kind)).Compute(x);
        Assert.Equal(expected.Length, f.Frames);
        Assert.Equal(expected[0].Length, f.Bins);
        for (int t = 0; t < f.Frames; t++)
            for (int b = 0; b < f.Bins; b++)
                Assert.True(Math.Abs(f[t, b] - expected[t][b]) < 1e-4, $"{name} {field}[{t},{b}]: {f[t, b]} vs {expected[t][b]}");
    }

    [Theory]
    [InlineData(AudioFeatureKind.LogMel, 512)]
    [InlineData(AudioFeatureKind.Mfcc, 512)]
    [InlineData(AudioFeatureKind.LogMel, 400)]
    public void Extractor_EqualsPlainTwin(AudioFeatureKind kind, int nFft)
    {
        var spec = new AudioFeatureSpec(NFft: nFft, Hop: 160, NMels: 24, Kind: kind, NMfcc: 10);
        var x = TestAudio.Noise(1700, 0.3, seed: 5);
        var fast = new AudioFeatureExtractor(spec).Compute(x);
        var slow = AudioFeaturesReference.Compute(x, spec);
        Assert.Equal(slow.GetLength(0), fast.Frames);
        for (int t = 0; t < fast.Frames; t++)
            for (int b = 0; b < fast.Bins; b++) Assert.True(Math.Abs(fast[t, b] - slow[t, b]) < 1e-4, $"[{t},{b}] {fast[t, b]} vs {slow[t, b]}");
    }

    [Theory]
    [InlineData(256)]
    [InlineData(400)]
    [InlineData(16)]
    [InlineData(4)]
    [InlineData(2)]
    public void PowerSpectrum_EqualsTheDftDefinition(int n)
    {
        var frame = TestAudio.Noise(n, 1, seed: n).Select(v => (double)v).ToArray();
        var power = new double[n / 2 + 1];
        new PowerSpectrum(n).Compute(frame, power);
        var expected = PowerSpectrum.Reference(frame);
        for (int k = 0; k < power.Length; k++) Assert.Equal(expected[k], power[k], 1e-9 * Math.Max(1, expected[k]));
    }

    [Fact]
    public void Compute_ClipAtAnotherRate_IsResampledFirst()
    {
        var spec = new AudioFeatureSpec();
        var extractor = new AudioFeatureExtractor(spec);
        var at44 = extractor.Compute(new AudioClip(TestAudio.Sine(1000, 44100, 44100), 44100));
        var at16 = extractor.Compute(new AudioClip(TestAudio.Sine(1000, 16000, 16000), 16000));
        Assert.Equal(at16.Frames, at44.Frames);
        // The bands holding the tone (within e^8 of the loudest) agree closely; the far bands are leakage at the float noise floor.
        float loudest = Enumerable.Range(0, spec.NMels).Max(b => at16[50, b]);
        int compared = 0;
        for (int b = 0; b < spec.NMels; b++)
        {
            if (at16[50, b] < loudest - 8) continue;
            compared++;
            Assert.True(Math.Abs(at44[50, b] - at16[50, b]) < 0.05, $"band {b}: {at44[50, b]} vs {at16[50, b]}");
        }
        Assert.InRange(compared, 2, 10);
    }

    [Fact]
    public void Trim_SilenceAroundATone_KeepsTheTone()
    {
        var x = new float[16000];
        TestAudio.Sine(500, 16000, 4000).CopyTo(x, 6000);
        var (start, length) = VoiceActivityTrimmer.Range(x, 512, 160, 40);
        Assert.InRange(start, 6000 - 512, 6000);
        Assert.InRange(start + length, 10000, 10000 + 512);
    }

    [Fact]
    public void Compute_SpecWithTrimming_DropsTheSilentEdgesBeforeFraming()
    {
        var x = new float[16000];
        TestAudio.Sine(500, 16000, 4000).CopyTo(x, 6000);
        var clip = new AudioClip(x, 16000);
        var trimmed = new AudioFeatureExtractor(new AudioFeatureSpec(TrimTopDb: 40)).Compute(clip);
        var whole = new AudioFeatureExtractor(new AudioFeatureSpec()).Compute(clip);
        Assert.Equal(101, whole.Frames);
        var (_, length) = VoiceActivityTrimmer.Range(x, 512, 160, 40);
        Assert.Equal(1 + length / 160, trimmed.Frames);
        // 4000 tone samples are 26 hops; frames that overlap the tone by a few samples are voiced too, up to ~3 hops each side.
        Assert.InRange(trimmed.Frames, 26, 32);
    }

    [Fact]
    public void Trim_AllZeros_KeepsTheClip()
    {
        Assert.Equal((0, 3000), VoiceActivityTrimmer.Range(new float[3000], 512, 160, 40));
    }

    [Fact]
    public void Spec_Json_RoundTripsAndReplaysIdentically()
    {
        var spec = new AudioFeatureSpec(SampleRate: 8000, NFft: 256, Hop: 80, NMels: 32, FMin: 50, FMax: 3800, LogOffset: 1e-5, NMfcc: 20,
            Kind: AudioFeatureKind.Mfcc, TrimTopDb: 35);
        string json = spec.ToJson();
        Assert.Contains("\"format\": \"lepton.audio-features/1\"", json);
        Assert.Contains("\"kind\": \"mfcc\"", json);
        Assert.Contains("\"kind\": \"log_mel\"", new AudioFeatureSpec().ToJson());
        var back = AudioFeatureSpec.FromJson(json);
        Assert.Equal(spec, back);
        var clip = new AudioClip(TestAudio.Noise(5000, 0.4, 3), 8000);
        Assert.Equal(new AudioFeatureExtractor(spec).Compute(clip).Values, new AudioFeatureExtractor(back).Compute(clip).Values);
    }

    [Theory]
    [InlineData("{\"format\":\"lepton.audio-features/1\",\"n_fft\":512,\"colour\":3}", "colour")]
    [InlineData("{\"format\":\"other\"}", "format")]
    [InlineData("{\"format\":\"lepton.audio-features/1\",\"fmax\":9000}", "fmax")]
    [InlineData("{\"format\":\"lepton.audio-features/1\",\"kind\":\"spectrogram\"}", "kind")]
    public void Spec_FromJson_BadInput_RefusedNamingTheField(string json, string expected)
    {
        var e = Assert.ThrowsAny<Exception>(() => AudioFeatureSpec.FromJson(json));
        Assert.Contains(expected, e.Message);
    }
}
