namespace Lepton.Data.Audio;

/// <summary>
/// One clip of an audio data set version: a WAV file (path relative to the imported root, '/' separators), its label,
/// split, group (the speaker: splits by group keep a speaker's clips together) and fold. <see cref="Sha256"/> is the file's
/// bytes. <see cref="Offset"/> and <see cref="Samples"/> locate its 16-bit samples, at the version's rate, in the blob;
/// the statistics (source rate and channels, seconds, peak, RMS in dBFS, clipped fraction) feed inspection.
/// <see cref="Problem"/> says why a file has no samples.
/// </summary>
public sealed record AudioItem(
    string Path,
    string Sha256,
    long Size,
    string? Label,
    string? Split = null,
    string? Group = null,
    int? Fold = null,
    long Offset = -1,
    int Samples = 0,
    int SourceRate = 0,
    int SourceChannels = 0,
    double Seconds = 0,
    double Peak = 0,
    double RmsDb = AudioItem.SilentDb,
    double Clipped = 0,
    string? Problem = null)
{
    /// <summary>The level recorded for digital silence (RMS 0): -200 dBFS, a finite stand-in for minus infinity.</summary>
    public const double SilentDb = -200;

    /// <summary>True when the clip was read and its samples are in the blob.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsReadable => Problem is null && Offset >= 0;
}
