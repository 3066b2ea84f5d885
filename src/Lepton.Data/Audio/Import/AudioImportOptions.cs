using Lepton.Data.Audio.Wav;

namespace Lepton.Data.Audio.Import;

/// <summary>
/// How an audio import reads: the rate every clip is resampled to (part of the version's identity) and the limits, each
/// checked before a file is read: files, bytes per file, seconds per clip (from the header), and the blob's total size.
/// </summary>
public sealed record AudioImportOptions(
    int SampleRate = 16000,
    int MaxFiles = 1_000_000,
    long MaxFileBytes = AudioImportOptions.DefaultMaxFileBytes,
    double MaxSeconds = 600,
    long MaxTotalBytes = int.MaxValue)
{
    /// <summary>A WAV file larger than this is recorded unread: 256 MiB.</summary>
    public const long DefaultMaxFileBytes = 256L << 20;

    /// <summary>The part of the options that changes the stored samples, written into the version's identity.</summary>
    public string Recipe() => $"rate={SampleRate};pcm16;resample=kaiser-poly-5";

    /// <summary>The WAV reader's limits for these options.</summary>
    public WavReadOptions ReadOptions => new(MaxSeconds: MaxSeconds);

    /// <summary>Checks the values and names the one that is wrong.</summary>
    public void Validate()
    {
        if (SampleRate is < 1000 or > 384_000) throw new ArgumentException($"--rate {SampleRate} must be 1000 to 384000 Hz.");
        if (MaxFiles < 1) throw new ArgumentException($"--max-files {MaxFiles} must be at least 1.");
        if (MaxFileBytes < 44) throw new ArgumentException($"--max-file-bytes {MaxFileBytes} must be at least 44 (a WAV header).");
        if (!(MaxSeconds > 0)) throw new ArgumentException($"--max-seconds {MaxSeconds} must be positive.");
        if (MaxTotalBytes is < 1 or > int.MaxValue) throw new ArgumentException($"The total sample limit {MaxTotalBytes} must be 1..{int.MaxValue} bytes.");
    }
}

/// <summary>An audio import refused as a whole (nothing recorded): the message names what was received and the fix.</summary>
public sealed class AudioImportException(string message) : Exception(message);
