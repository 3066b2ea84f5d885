using Lepton.Data.Audio;
using Lepton.Data.Audio.Augmentation;
using Lepton.Data.Audio.Dsp;
using Lepton.Data.Audio.Features;

namespace Lepton.Data.Tests.Audio;

/// <summary>Audio augmentation: each term measured on tones, repeatability by (seed, epoch, index), SpecAugment, the spec text.</summary>
public class AudioAugmenterTests
{
    private const int Rate = 16000;

    /// <summary>Frequency of a tone from its rising zero crossings in the middle half (edges skipped).</summary>
    private static double Frequency(float[] x, int rate)
    {
        int from = x.Length / 4, to = 3 * x.Length / 4, first = -1, last = -1, crossings = 0;
        for (int i = from; i < to; i++)
            if (x[i - 1] < 0 && x[i] >= 0)
            {
                if (first < 0) first = i;
                last = i;
                crossings++;
            }
        return (crossings - 1) * (double)rate / (last - first);
    }

    [Fact]
    public void Speed_Factor125_ShortensAndRaisesTheTone()
    {
        var y = AudioAugmenter.Speed(TestAudio.Sine(400, Rate, 16000), 1.25);
        Assert.Equal(12800, y.Length);
        Assert.InRange(Frequency(y, Rate), 497, 503);
    }

    [Theory]
    [InlineData(12, 800)]
    [InlineData(-5, 299.7)]
    [InlineData(3, 475.7)]
    public void PitchShift_Semitones_MovesTheToneKeepsTheLength(double semitones, double expectedHz)
    {
        var y = AudioAugmenter.PitchShift(TestAudio.Sine(400, Rate, 16000), semitones);
        Assert.Equal(16000, y.Length);
        Assert.InRange(Frequency(y, Rate), expectedHz * 0.99, expectedHz * 1.01);
    }

    [Fact]
    public void TimeStretch_Longer_KeepsThePitch()
    {
        var y = TimeStretch.ToLength(TestAudio.Sine(300, Rate, 8000), 12000);
        Assert.Equal(12000, y.Length);
        Assert.InRange(Frequency(y, Rate), 297, 303);
    }

    [Fact]
    public void TimeStretch_Shorter_KeepsThePitch()
    {
        var y = TimeStretch.ToLength(TestAudio.Sine(450, Rate, 16000), 11000);
        Assert.Equal(11000, y.Length);
        Assert.InRange(Frequency(y, Rate), 446, 454);
    }

    [Fact]
    public void TimeStretch_ShorterThanTwoWindows_InterpolatesKeepingTheEnds()
    {
        float[] x = [0, 1, 2, 3, 4];
        var y = TimeStretch.ToLength(x, 9);
        Assert.Equal(new float[] { 0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f, 4 }, y);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(0.5)]
    [InlineData(-5)]
    public void AddNoise_Snr_MeasuredSnrIsTheChosenOne(double snr)
    {
        var x = TestAudio.Sine(440, Rate, 8000);
        var y = AudioAugmenter.AddNoise(x, snr, new Random(1), []);
        double ps = x.Sum(v => (double)v * v), pn = x.Select((v, i) => (double)(y[i] - v) * (y[i] - v)).Sum();
        Assert.Equal(snr, 10 * Math.Log10(ps / pn), 2);
    }

    [Fact]
    public void AddNoise_FromBackgroundClip_UsesAnExcerptOfIt()
    {
        var background = TestAudio.Sine(50, Rate, 20000, amplitude: 1);
        var x = TestAudio.Sine(440, Rate, 4000);
        var y = AudioAugmenter.AddNoise(x, 0, new Random(3), [background]);
        var added = x.Select((v, i) => y[i] - v).ToArray();
        Assert.InRange(Frequency(added, Rate), 49, 51);
    }

    [Fact]
    public void ImpulseResponse_DecaysBy60DbOverRt60()
    {
        var h = AudioAugmenter.ImpulseResponse(8000, Rate, 0.5, new Random(2));
        double early = h.Skip(1).Take(400).Average(v => v * v), late = h.Skip(7600).Take(400).Average(v => v * v);
        // 0.025 s and 0.4875 s: -3 dB vs -58.5 dB of power on average, 55 dB apart; allow for the noise's spread.
        Assert.InRange(10 * Math.Log10(early / late), 50, 60);
    }

    [Fact]
    public void Reverberate_Click_LeavesADecayingTailAtTheSameRms()
    {
        var x = new float[8000];
        x[100] = 1;
        var y = AudioAugmenter.Reverberate(x, Rate, 0.2, new Random(4));
        Assert.Equal(Math.Sqrt(x.Average(v => (double)v * v)), Math.Sqrt(y.Average(v => (double)v * v)), 6);
        Assert.All(y.Take(100), v => Assert.Equal(0f, v, 6));
        Assert.True(y.Skip(200).Take(400).Max(Math.Abs) > 10 * y.Skip(3300).Take(400).Max(Math.Abs));
    }

    [Fact]
    public void Convolution_Fft_EqualsDirectSum()
    {
        var x = TestAudio.Noise(700, 1, 8);
        var h = TestAudio.Noise(130, 1, 9).Select(v => (double)v).ToArray();
        var fast = Convolution.Fft(x, h);
        var slow = Convolution.Direct(x, h);
        for (int i = 0; i < x.Length; i++) Assert.Equal(slow[i], fast[i], 4);
    }

    [Fact]
    public void Shift_PositiveAndNegative_MovesWithZerosIn()
    {
        float[] x = [1, 2, 3, 4, 5];
        Assert.Equal(new float[] { 0, 0, 1, 2, 3 }, AudioAugmenter.Shift(x, 2));
        Assert.Equal(new float[] { 3, 4, 5, 0, 0 }, AudioAugmenter.Shift(x, -2));
        Assert.Equal(new float[5], AudioAugmenter.Shift(x, 9));
    }

    [Fact]
    public void Apply_SameSeedEpochIndex_SameSamples_OtherIndexDiffers()
    {
        var spec = AudioAugmentSpec.Parse("shift=0.05,speed=0.1,pitch=2,noise=20,reverb=0.2");
        var clip = new AudioClip(TestAudio.Sine(300, Rate, 8000), Rate);
        var a = new AudioAugmenter(spec, seed: 11).Apply(clip, epoch: 2, index: 7);
        var b = new AudioAugmenter(spec, seed: 11).Apply(clip, epoch: 2, index: 7);
        var c = new AudioAugmenter(spec, seed: 11).Apply(clip, epoch: 2, index: 8);
        Assert.Equal(a.Samples, b.Samples);
        Assert.NotEqual(a.Samples, c.Samples);
        Assert.Equal(Rate, a.SampleRate);
    }

    [Fact]
    public void Apply_NoTerms_ReturnsAnEqualCopy()
    {
        var clip = new AudioClip(TestAudio.Sine(300, Rate, 100), Rate);
        var y = new AudioAugmenter(AudioAugmentSpec.None, 1).Apply(clip, 0, 0);
        Assert.Equal(clip.Samples, y.Samples);
        Assert.NotSame(clip.Samples, y.Samples);
    }

    [Fact]
    public void Mask_TimeAndFrequency_FillsWholeRowsAndColumnsWithTheMean()
    {
        var f = new AudioFeatures([.. Enumerable.Range(0, 50 * 20).Select(i => (float)(i % 7))], 50, 20);
        var aug = new AudioAugmenter(new AudioAugmentSpec(TimeMask: 10, FreqMask: 6, Masks: 1), seed: 5);
        var masked = aug.Mask(f, 0, 3);
        Assert.Equal(masked.Values, aug.Mask(f, 0, 3).Values);
        float mean = (float)f.Values.Average(v => (double)v);
        int changed = f.Values.Where((v, i) => masked.Values[i] != v).Count();
        Assert.True(changed > 0);
        Assert.All(masked.Values.Where((v, i) => v != f.Values[i]), v => Assert.Equal(mean, v));
        var rows = Enumerable.Range(0, 50).Where(t => Enumerable.Range(0, 20).All(b => masked[t, b] == mean)).ToList();
        var cols = Enumerable.Range(0, 20).Where(b => Enumerable.Range(0, 50).All(t => masked[t, b] == mean)).ToList();
        Assert.InRange(rows.Count, 0, 10);
        Assert.InRange(cols.Count, 0, 6);
        // Outside the masked rows and columns nothing changed: masks cover whole frames and whole bins.
        for (int t = 0; t < 50; t++)
            for (int b = 0; b < 20; b++)
                if (!rows.Contains(t) && !cols.Contains(b)) Assert.Equal(f[t, b], masked[t, b]);
    }

    [Fact]
    public void Spec_ParseAndToString_RoundTrip()
    {
        var spec = AudioAugmentSpec.Parse("pitch=2, speed=0.1,noise=15,time_mask=10,freq_mask=8,masks=3,shift=0.1,reverb=0.3");
        Assert.Equal("shift=0.1,speed=0.1,pitch=2,noise=15,reverb=0.3,time_mask=10,freq_mask=8,masks=3", spec.ToString());
        Assert.Equal(spec, AudioAugmentSpec.Parse(spec.ToString()));
        Assert.Equal("", AudioAugmentSpec.None.ToString());
    }

    [Theory]
    [InlineData("echo=3", "Unknown audio augmentation 'echo'")]
    [InlineData("speed=0.9", "speed=S (0 to 0.5)")]
    [InlineData("masks=2.5", "masks=N (1 to 10)")]
    [InlineData("pitch", "needs a number")]
    public void Spec_Parse_BadTerm_NamesTheRange(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => AudioAugmentSpec.Parse(text));
        Assert.Contains(expected, e.Message);
    }
}
