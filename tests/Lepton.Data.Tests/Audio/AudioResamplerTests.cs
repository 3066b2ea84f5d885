using Lepton.Data.Audio;
using Lepton.Data.Audio.Dsp;

namespace Lepton.Data.Tests.Audio;

/// <summary>The polyphase resampler against SciPy's resample_poly (fixture), against its plain twin, and on tones.</summary>
public class AudioResamplerTests
{
    public static TheoryData<string> Cases => [.. AudioFixture.Root.GetProperty("resample").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resample_FixtureSignal_MatchesScipyResamplePoly(string name)
    {
        var c = AudioFixture.Root.GetProperty("resample").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var x = AudioFixture.Floats(c.GetProperty("signal"));
        var expected = AudioFixture.Doubles(c.GetProperty("resampled"));
        var y = AudioResampler.Resample(x, c.GetProperty("rate_in").GetInt32(), c.GetProperty("rate_out").GetInt32());
        Assert.Equal(expected.Length, y.Length);
        for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(y[i] - expected[i]) < 1e-5, $"{name}[{i}]: {y[i]} vs {expected[i]}");
    }

    [Theory]
    [InlineData(44100, 16000)]
    [InlineData(8000, 16000)]
    [InlineData(16000, 22050)]
    [InlineData(48000, 16000)]
    public void Resample_Polyphase_EqualsPlainTwin(int rateIn, int rateOut)
    {
        var x = TestAudio.Noise(300, 0.8, seed: rateIn);
        var fast = AudioResampler.Resample(x, rateIn, rateOut);
        var slow = AudioResampler.ResampleReference(x, rateIn, rateOut);
        Assert.Equal(slow.Length, fast.Length);
        for (int i = 0; i < fast.Length; i++) Assert.True(Math.Abs(fast[i] - slow[i]) < 1e-6, $"[{i}] {fast[i]} vs {slow[i]}");
    }

    [Fact]
    public void Resample_ToneAboveTheNewNyquist_IsRemoved()
    {
        // 7 kHz at 44.1 kHz has no place at 8 kHz (Nyquist 4 kHz): a proper low-pass leaves almost nothing, naive decimation would alias it to 1 kHz.
        var x = TestAudio.Sine(7000, 44100, 44100);
        var y = AudioResampler.Resample(x, 44100, 8000);
        double rms = Math.Sqrt(y.Skip(500).Take(7000).Average(v => (double)v * v));
        Assert.True(rms < 0.005, $"rms {rms}");
    }

    [Fact]
    public void Resample_ToneInTheBand_KeepsFrequencyAndLevel()
    {
        var y = AudioResampler.Resample(TestAudio.Sine(440, 44100, 44100), 44100, 16000);
        Assert.Equal(16000, y.Length);
        var expected = TestAudio.Sine(440, 16000, 16000);
        for (int i = 1000; i < 15000; i++) Assert.True(Math.Abs(y[i] - expected[i]) < 2e-3, $"[{i}] {y[i]} vs {expected[i]}");
    }

    [Fact]
    public void Resample_SameRate_ReturnsACopy()
    {
        var clip = new AudioClip([0.1f, 0.2f], 16000);
        var same = AudioResampler.Resample(clip, 16000);
        Assert.Equal(clip.Samples, same.Samples);
        Assert.NotSame(clip.Samples, same.Samples);
    }

    [Fact]
    public void Resample_CoprimeHugeRates_RefusedWithAdvice()
    {
        var e = Assert.Throws<ArgumentException>(() => AudioResampler.Resample(new float[10], 384000, 383999));
        Assert.Contains("common divisor", e.Message);
    }

    [Fact]
    public void KaiserLowPass_Design_SymmetricUnitGainCentreTapNearCutoff()
    {
        var h = KaiserLowPass.Design(41, 0.25);
        Assert.Equal(1.0, h.Sum(), 12);
        for (int i = 0; i < h.Length; i++) Assert.Equal(h[i], h[^(i + 1)], 15);
        Assert.Equal(0.25, h[20], 2);
    }
}
