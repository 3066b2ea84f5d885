using Lepton.Data.Audio.Wav;

namespace Lepton.Data.Tests.Audio;

/// <summary>WAV decoding of every supported encoding, downmixing, and the refusals of hostile or broken files.</summary>
public class WavReaderTests
{
    // The same four sample values in each encoding: 0, 0.5, -0.5, -1 (and the 8-bit offset code).
    public static TheoryData<string, ushort, int, byte[], bool> Encodings => new()
    {
        { "pcm8", 1, 8, [128, 192, 64, 0], false },
        { "pcm16", 1, 16, [0, 0, 0x00, 0x40, 0x00, 0xC0, 0x00, 0x80], false },
        { "pcm24", 1, 24, [0, 0, 0, 0, 0, 0x40, 0, 0, 0xC0, 0, 0, 0x80], false },
        { "pcm32", 1, 32, [0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0xC0, 0, 0, 0, 0x80], false },
        { "float32", 3, 32, [.. BitConverter.GetBytes(0f), .. BitConverter.GetBytes(0.5f), .. BitConverter.GetBytes(-0.5f), .. BitConverter.GetBytes(-1f)], false },
        { "float64", 3, 64, [.. BitConverter.GetBytes(0d), .. BitConverter.GetBytes(0.5d), .. BitConverter.GetBytes(-0.5d), .. BitConverter.GetBytes(-1d)], false },
        { "pcm16-extensible", 1, 16, [0, 0, 0x00, 0x40, 0x00, 0xC0, 0x00, 0x80], true },
        { "float32-extensible", 3, 32, [.. BitConverter.GetBytes(0f), .. BitConverter.GetBytes(0.5f), .. BitConverter.GetBytes(-0.5f), .. BitConverter.GetBytes(-1f)], true },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Read_EachEncoding_DecodesTheSameSamples(string name, ushort tag, int bits, byte[] data, bool extensible)
    {
        var clip = WavReader.Read(TestAudio.Wav(tag, 1, 8000, bits, data, extensible), name);
        Assert.Equal(8000, clip.SampleRate);
        Assert.Equal(new[] { 0f, 0.5f, -0.5f, -1f }, clip.Samples);
    }

    [Fact]
    public void Read_Stereo_AveragesTheChannels()
    {
        // Frames (0.5, -0.5) and (0.5, 0) as 16-bit.
        byte[] data = [0x00, 0x40, 0x00, 0xC0, 0x00, 0x40, 0x00, 0x00];
        var clip = WavReader.Read(TestAudio.Wav(1, 2, 44100, 16, data), "stereo.wav");
        Assert.Equal(new[] { 0f, 0.25f }, clip.Samples);
        Assert.Equal(44100, clip.SampleRate);
    }

    [Fact]
    public void Read_WriterOutput_RoundTripsWithinOneLevel()
    {
        var x = TestAudio.Sine(440, 16000, 1000);
        var pcm = WavReader.Read(WavWriter.ToBytes(x, 16000), "pcm.wav");
        var flt = WavReader.Read(WavWriter.ToBytes(x, 16000, WavSampleFormat.Float), "float.wav");
        Assert.Equal(x, flt.Samples);
        for (int i = 0; i < x.Length; i++) Assert.InRange(pcm.Samples[i] - x[i], -1 / 32768f, 1 / 32768f);
    }

    [Fact]
    public void Read_FromFile_NamesTheFileInErrors()
    {
        string dir = TestData.TempDir();
        try
        {
            string path = Path.Combine(dir, "notes.wav");
            File.WriteAllText(path, "this is not audio at all");
            var e = Assert.Throws<InvalidDataException>(() => WavReader.Read(path));
            Assert.Contains("notes.wav", e.Message);
            Assert.Contains("not a WAV", e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Read_DataChunkLargerThanTheFile_RefusedAsTruncated()
    {
        var bytes = TestAudio.Wav(1, 1, 16000, 16, new byte[200], declaredData: 100_000);
        var e = Assert.Throws<InvalidDataException>(() => WavReader.Read(bytes, "cut.wav"));
        Assert.Contains("cut.wav", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void ReadInfo_HeaderDeclaringElevenHours_RefusedBeforeReadingSamples()
    {
        // 11 hours at 8 kHz mono 8-bit is 316.8 MB declared; the file holds 10 bytes of samples.
        uint declared = 11u * 3600 * 8000;
        var bytes = TestAudio.Wav(1, 1, 8000, 8, new byte[10], declaredData: declared);
        var e = Assert.Throws<InvalidDataException>(() => WavReader.Read(bytes, "long.wav"));
        Assert.Contains("long.wav", e.Message);
        Assert.Contains("39600 s", e.Message);
    }

    [Fact]
    public void Read_ShorterLimit_RefusesALongerClip()
    {
        var bytes = WavWriter.ToBytes(new float[16000], 8000);
        var e = Assert.Throws<InvalidDataException>(() => WavReader.Read(bytes, "two-seconds.wav", new WavReadOptions(MaxSeconds: 1)));
        Assert.Contains("limit is 1 s", e.Message);
    }

    [Fact]
    public void Read_ZeroLengthClip_Refused()
    {
        var e = Assert.Throws<InvalidDataException>(() => WavReader.Read(TestAudio.Wav(1, 1, 16000, 16, []), "empty.wav"));
        Assert.Contains("empty.wav is a zero-length clip", e.Message);
    }

    [Fact]
    public void Read_HeaderCutBeforeTheDataChunk_Refused()
    {
        var bytes = WavWriter.ToBytes(new float[100], 16000)[..30];
        var e = Assert.Throws<InvalidDataException>(() => WavReader.Read(bytes, "head.wav"));
        Assert.Contains("head.wav", e.Message);
    }

    [Theory]
    [InlineData(2, 16, "0x0002")]   // ADPCM
    [InlineData(1, 12, "12 bits")]
    [InlineData(3, 16, "16 bits")]
    public void Read_UnsupportedEncoding_RefusedWithTheFix(ushort tag, int bits, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => WavReader.Read(TestAudio.Wav(tag, 1, 16000, bits, new byte[64]), "odd.wav"));
        Assert.Contains(expected, e.Message);
        Assert.Contains("sox", e.Message);
    }

    [Fact]
    public void Read_TooManyChannels_Refused()
    {
        var e = Assert.Throws<InvalidDataException>(() => WavReader.Read(TestAudio.Wav(1, 9, 16000, 16, new byte[18 * 4]), "many.wav"));
        Assert.Contains("9 channels", e.Message);
    }

    [Fact]
    public void LooksLikeWav_RiffWaveMagic_TrueOnlyForWav()
    {
        Assert.True(WavReader.LooksLikeWav(WavWriter.ToBytes(new float[4], 8000)));
        Assert.False(WavReader.LooksLikeWav("RIFF\0\0\0\0AVI LIST"u8));
        Assert.False(WavReader.LooksLikeWav("RIFF"u8));
    }

    [Fact]
    public void Read_EveryHeaderByteCorrupted_EitherReadsOrRefusesCleanly()
    {
        // Hostile headers: each of the first 48 bytes set to 0x00, 0x7F, 0x80 and 0xFF in turn; the reader must decode or
        // refuse with InvalidDataException, never overflow, index out of range or allocate what the header claims.
        var good = TestAudio.Wav(1, 2, 16000, 16, new byte[64]);
        int refused = 0;
        for (int at = 0; at < 48; at++)
            foreach (byte value in new byte[] { 0x00, 0x7F, 0x80, 0xFF })
            {
                var bad = (byte[])good.Clone();
                bad[at] = value;
                try
                {
                    var clip = WavReader.Read(bad, "fuzz.wav");
                    Assert.InRange(clip.Samples.Length, 1, 64);
                }
                catch (InvalidDataException e)
                {
                    Assert.Contains("fuzz.wav", e.Message);
                    refused++;
                }
            }
        Assert.True(refused > 20, $"only {refused} corruptions refused");
    }
}
