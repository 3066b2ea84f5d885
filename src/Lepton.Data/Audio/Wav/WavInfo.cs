namespace Lepton.Data.Audio.Wav;

/// <summary>How a WAV file's samples are stored.</summary>
public enum WavSampleFormat
{
    Pcm,
    Float,
}

/// <summary>
/// A WAV header as read and checked: the sample encoding, channels, rate, bits per sample, frame count and where the data
/// chunk starts in the file.
/// </summary>
public sealed record WavInfo(WavSampleFormat Format, int Channels, int SampleRate, int BitsPerSample, long Frames, long DataOffset, bool Extensible)
{
    /// <summary>The clip's length in seconds.</summary>
    public double Seconds => (double)Frames / SampleRate;

    /// <summary>Bytes per frame (all channels of one sample instant).</summary>
    public int BlockAlign => Channels * BitsPerSample / 8;
}
