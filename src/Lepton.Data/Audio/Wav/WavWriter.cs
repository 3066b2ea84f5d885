using System.Buffers.Binary;

namespace Lepton.Data.Audio.Wav;

/// <summary>Writes mono WAV files: 16-bit PCM (clipped to [-1, 1]) or 32-bit float; for previews, tests and exports.</summary>
public static class WavWriter
{
    /// <summary>The bytes of a mono WAV holding <paramref name="samples"/> at <paramref name="sampleRate"/> Hz.</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> samples, int sampleRate, WavSampleFormat format = WavSampleFormat.Pcm)
    {
        int width = format == WavSampleFormat.Pcm ? 2 : 4;
        int dataSize = checked(samples.Length * width);
        var bytes = new byte[44 + dataSize];
        var s = bytes.AsSpan();
        "RIFF"u8.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], 36 + dataSize);
        "WAVEfmt "u8.CopyTo(s[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(s[20..], (short)(format == WavSampleFormat.Pcm ? 1 : 3));
        BinaryPrimitives.WriteInt16LittleEndian(s[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], sampleRate * width);
        BinaryPrimitives.WriteInt16LittleEndian(s[32..], (short)width);
        BinaryPrimitives.WriteInt16LittleEndian(s[34..], (short)(width * 8));
        "data"u8.CopyTo(s[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[40..], dataSize);
        var d = s[44..];
        for (int i = 0; i < samples.Length; i++)
        {
            if (format == WavSampleFormat.Pcm)
                BinaryPrimitives.WriteInt16LittleEndian(d[(2 * i)..], (short)Math.Round(Math.Clamp(samples[i], -1f, 32767f / 32768f) * 32768.0));
            else
                BinaryPrimitives.WriteSingleLittleEndian(d[(4 * i)..], samples[i]);
        }
        return bytes;
    }

    /// <summary>Writes a mono WAV file.</summary>
    public static void Write(string path, ReadOnlySpan<float> samples, int sampleRate, WavSampleFormat format = WavSampleFormat.Pcm) =>
        File.WriteAllBytes(path, ToBytes(samples, sampleRate, format));
}
