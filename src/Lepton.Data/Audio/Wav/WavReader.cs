using System.Buffers.Binary;

namespace Lepton.Data.Audio.Wav;

/// <summary>
/// Reads RIFF/WAVE files: PCM 8/16/24/32-bit, IEEE float 32/64-bit, plain or WAVE_FORMAT_EXTENSIBLE, any channel count up to
/// the limit (averaged to mono), any sample rate up to the limit. The header is checked against the limits and against the
/// bytes the file really holds before any sample is read; every refusal names the file and what it held.
/// </summary>
public static class WavReader
{
    private const ushort FormatPcm = 1;
    private const ushort FormatFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;

    /// <summary>
    /// The <see cref="Exception.Data"/> key set (to the declared seconds) on the error for a header longer than
    /// <see cref="WavReadOptions.MaxSeconds"/>, so a server can answer 413 for it and 400 for a damaged file.
    /// </summary>
    public const string OverLimitKey = "wav.declared_seconds";

    /// <summary>True when <paramref name="e"/> refused a header declaring more audio than the limit (nothing was decoded).</summary>
    public static bool IsOverLimit(Exception e) => e is InvalidDataException && e.Data.Contains(OverLimitKey);

    /// <summary>True when <paramref name="head"/> starts like a WAV file ("RIFF" then "WAVE" at byte 8).</summary>
    public static bool LooksLikeWav(ReadOnlySpan<byte> head) =>
        head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WAVE"u8);

    /// <summary>Reads a WAV file as a mono clip at its own sample rate.</summary>
    public static AudioClip Read(string path, WavReadOptions? options = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path, options);
    }

    /// <summary>Reads WAV bytes already in memory; <paramref name="name"/> is used in errors.</summary>
    public static AudioClip Read(byte[] bytes, string name, WavReadOptions? options = null)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return Read(stream, name, options);
    }

    /// <summary>Reads a WAV from a seekable stream; <paramref name="name"/> is used in errors.</summary>
    public static AudioClip Read(Stream stream, string name, WavReadOptions? options = null) => Read(stream, name, options, out _);

    /// <summary>Reads a WAV from a seekable stream and gives its header too (rate, channels, encoding as stored).</summary>
    public static AudioClip Read(Stream stream, string name, WavReadOptions? options, out WavInfo info)
    {
        info = ReadInfo(stream, name, options);
        stream.Position = info.DataOffset;
        long bytes = info.Frames * info.BlockAlign;
        var data = new byte[bytes];
        stream.ReadExactly(data);
        return new AudioClip(Downmix(data, info), info.SampleRate);
    }

    /// <summary>Reads and checks the header only (format, limits, sizes against the stream's length); reads no samples.</summary>
    public static WavInfo ReadInfo(Stream stream, string name, WavReadOptions? options = null)
    {
        options ??= WavReadOptions.Default;
        options.Validate();
        if (!stream.CanSeek) throw new ArgumentException($"WavReader needs a seekable stream for {name}.");
        long length = stream.Length;
        Span<byte> head = stackalloc byte[12];
        if (length < 12 || stream.ReadAtLeast(head, 12, throwOnEndOfStream: false) < 12 || !LooksLikeWav(head))
            throw new InvalidDataException($"{name} is not a WAV file (no RIFF/WAVE header); convert it to WAV (PCM or float), e.g. with sox or ffmpeg.");
        long pos = 12;
        (ushort tag, int channels, int rate, int bits, bool extensible)? fmt = null;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> fmtBytes = stackalloc byte[40];
        while (pos + 8 <= length)
        {
            stream.Position = pos;
            stream.ReadExactly(chunk);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            long body = pos + 8;
            if (chunk[..4].SequenceEqual("fmt "u8))
            {
                if (size < 16 || body + size > length)
                    throw new InvalidDataException($"{name} has a broken fmt chunk ({size} bytes declared, {length - body} left); the file is damaged or truncated.");
                var f = fmtBytes[..(int)Math.Min(size, 40u)];
                stream.ReadExactly(f);
                fmt = ParseFormat(f, name);
            }
            else if (chunk[..4].SequenceEqual("data"u8))
            {
                if (fmt is not { } h)
                    throw new InvalidDataException($"{name} has its data chunk before any fmt chunk; the file is damaged.");
                return Check(h, size, body, length, name, options);
            }
            pos = body + size + (size & 1);
        }
        throw new InvalidDataException(fmt is null
            ? $"{name} has no fmt chunk; the file is damaged or truncated."
            : $"{name} has no data chunk; the file is damaged or truncated.");
    }

    private static (ushort, int, int, int, bool) ParseFormat(ReadOnlySpan<byte> f, string name)
    {
        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(f);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(f[2..]);
        long rate = BinaryPrimitives.ReadUInt32LittleEndian(f[4..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(f[14..]);
        bool extensible = tag == FormatExtensible;
        if (extensible)
        {
            if (f.Length < 40)
                throw new InvalidDataException($"{name} declares WAVE_FORMAT_EXTENSIBLE with a {f.Length}-byte fmt chunk (40 needed); the file is damaged.");
            // The sub-format GUID's first two bytes are the plain format tag (KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT).
            tag = BinaryPrimitives.ReadUInt16LittleEndian(f[24..]);
        }
        if (rate > int.MaxValue) rate = int.MaxValue;
        return (tag, channels, (int)rate, bits, extensible);
    }

    private static WavInfo Check((ushort tag, int channels, int rate, int bits, bool extensible) h, uint dataSize, long dataOffset, long length,
        string name, WavReadOptions options)
    {
        var format = h.tag switch
        {
            FormatPcm when h.bits is 8 or 16 or 24 or 32 => WavSampleFormat.Pcm,
            FormatFloat when h.bits is 32 or 64 => WavSampleFormat.Float,
            FormatPcm or FormatFloat => throw new InvalidDataException(
                $"{name} holds {(h.tag == FormatPcm ? "PCM" : "float")} samples of {h.bits} bits; Lepton reads PCM 8/16/24/32 and float 32/64. Convert it, e.g. sox in.wav -b 16 out.wav."),
            _ => throw new InvalidDataException(
                $"{name} uses WAV format tag 0x{h.tag:X4} (compressed?); Lepton reads PCM and float only. Convert it, e.g. sox in.wav -e signed -b 16 out.wav."),
        };
        if (h.channels < 1 || h.channels > options.MaxChannels)
            throw new InvalidDataException($"{name} declares {h.channels} channels; 1 to {options.MaxChannels} are accepted.");
        if (h.rate < 1 || h.rate > options.MaxSampleRate)
            throw new InvalidDataException($"{name} declares a sample rate of {h.rate} Hz; 1 to {options.MaxSampleRate} Hz are accepted.");
        var info = new WavInfo(format, h.channels, h.rate, h.bits, 0, dataOffset, h.extensible);
        long frames = dataSize / info.BlockAlign;
        if (frames == 0)
            throw new InvalidDataException($"{name} is a zero-length clip (data chunk of {dataSize} bytes); record or export it again.");
        if (frames / (double)h.rate > options.MaxSeconds)
        {
            var tooLong = new InvalidDataException($"{name} declares {frames / (double)h.rate:0.#} s of audio; the limit is {options.MaxSeconds:0.#} s. Cut it into clips first.");
            tooLong.Data[OverLimitKey] = frames / (double)h.rate;
            throw tooLong;
        }
        if (dataOffset + dataSize > length)
            throw new InvalidDataException($"{name} declares {dataSize} bytes of samples but holds {Math.Max(0, length - dataOffset)}; the file is truncated.");
        if (frames * (long)info.BlockAlign > Array.MaxLength)
            throw new InvalidDataException($"{name} holds {frames * (long)info.BlockAlign:N0} bytes of samples, more than one read can hold ({Array.MaxLength:N0}); cut it into clips first.");
        return info with { Frames = frames };
    }

    // data: interleaved frames; returns the average of the channels per frame.
    private static float[] Downmix(ReadOnlySpan<byte> data, WavInfo info)
    {
        int channels = info.Channels, width = info.BitsPerSample / 8;
        var mono = new float[info.Frames];
        float scale = 1f / channels;
        for (long f = 0; f < info.Frames; f++)
        {
            double sum = 0;
            for (int c = 0; c < channels; c++)
                sum += Sample(data.Slice((int)(f * info.BlockAlign + c * width), width), info.Format);
            mono[f] = channels == 1 ? (float)sum : (float)(sum * scale);
        }
        return mono;
    }

    private static double Sample(ReadOnlySpan<byte> b, WavSampleFormat format) => (format, b.Length) switch
    {
        (WavSampleFormat.Float, 4) => BinaryPrimitives.ReadSingleLittleEndian(b),
        (WavSampleFormat.Float, _) => BinaryPrimitives.ReadDoubleLittleEndian(b),
        (_, 1) => (b[0] - 128) / 128.0,
        (_, 2) => BinaryPrimitives.ReadInt16LittleEndian(b) / 32768.0,
        (_, 3) => ((b[0] | (b[1] << 8) | (b[2] << 16)) << 8 >> 8) / 8388608.0,
        _ => BinaryPrimitives.ReadInt32LittleEndian(b) / 2147483648.0,
    };
}
