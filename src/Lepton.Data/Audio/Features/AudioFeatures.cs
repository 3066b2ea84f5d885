namespace Lepton.Data.Audio.Features;

/// <summary>Features of one clip, row-major (Frames, Bins): frame t's values are <c>Values[t*Bins .. (t+1)*Bins)</c>.</summary>
public sealed record AudioFeatures(float[] Values, int Frames, int Bins)
{
    /// <summary>The value of band or coefficient <paramref name="b"/> in frame <paramref name="t"/>.</summary>
    public float this[int t, int b] => Values[t * Bins + b];
}
