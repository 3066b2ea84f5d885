namespace Lepton.Data.Audio.Wav;

/// <summary>Limits a WAV header is held to before any sample is read; files are hostile input.</summary>
/// <param name="MaxSeconds">Longest clip accepted (default 10 hours).</param>
/// <param name="MaxChannels">Most channels accepted; all are averaged into one.</param>
/// <param name="MaxSampleRate">Highest sample rate accepted, in Hz.</param>
public sealed record WavReadOptions(double MaxSeconds = 36_000, int MaxChannels = 8, int MaxSampleRate = 384_000)
{
    /// <summary>The defaults.</summary>
    public static WavReadOptions Default { get; } = new();

    /// <summary>Refuses limits that cannot hold any clip.</summary>
    public void Validate()
    {
        if (!(MaxSeconds > 0) || MaxChannels < 1 || MaxSampleRate < 1)
            throw new ArgumentException($"WavReadOptions need positive limits; got max seconds {MaxSeconds}, max channels {MaxChannels}, max sample rate {MaxSampleRate}.");
    }
}
