namespace Lepton.Data.Audio;

/// <summary>A mono clip: samples in [-1, 1] (float PCM may exceed it) at <see cref="SampleRate"/> Hz.</summary>
public sealed record AudioClip(float[] Samples, int SampleRate)
{
    /// <summary>The clip's length in seconds.</summary>
    public double Seconds => SampleRate == 0 ? 0 : (double)Samples.Length / SampleRate;
}
