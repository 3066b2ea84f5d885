using System.Buffers.Binary;

namespace Lepton.Data.Tests.Audio;

/// <summary>Tiny signals and hand-built WAV files for the audio tests.</summary>
internal static class TestAudio
{
    public static float[] Sine(double hz, int rate, int samples, double amplitude = 0.5)
    {
        var x = new float[samples];
        for (int i = 0; i < samples; i++) x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate));
        return x;
    }

    public static float[] Noise(int samples, double amplitude, int seed)
    {
        var rng = new Random(seed);
        var x = new float[samples];
        for (int i = 0; i < samples; i++) x[i] = (float)(amplitude * (2 * rng.NextDouble() - 1));
        return x;
    }

    /// <summary>
    /// A WAV file built byte by byte: <paramref name="data"/> is the raw interleaved sample bytes; <paramref name="extensible"/>
    /// writes a 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk; <paramref name="declaredData"/> overrides the data chunk's size;
    /// a LIST chunk before fmt checks that unknown chunks are skipped.
    /// </summary>
    public static byte[] Wav(ushort tag, int channels, int rate, int bits, byte[] data, bool extensible = false, uint? declaredData = null)
    {
        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write("RIFF"u8);
        w.Write(0);
        w.Write("WAVE"u8);
        w.Write("LIST"u8);
        w.Write(3);
        w.Write("abc\0"u8); // 3 bytes and a pad byte
        w.Write("fmt "u8);
        w.Write(extensible ? 40 : 16);
        w.Write(extensible ? (ushort)0xFFFE : tag);
        w.Write((ushort)channels);
        w.Write(rate);
        w.Write(rate * channels * bits / 8);
        w.Write((ushort)(channels * bits / 8));
        w.Write((ushort)bits);
        if (extensible)
        {
            w.Write((ushort)22);
            w.Write((ushort)bits);
            w.Write(channels == 1 ? 4 : 3);
            w.Write(tag);
            w.Write(new byte[] { 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 });
        }
        w.Write("data"u8);
        w.Write(declaredData ?? (uint)data.Length);
        w.Write(data);
        w.Flush();
        var bytes = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        return bytes;
    }
}
