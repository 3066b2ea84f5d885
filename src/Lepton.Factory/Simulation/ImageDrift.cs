namespace Lepton.Factory.Simulation;

/// <summary>
/// A change in how a client's camera sees the world: pixels (0..255) become clamp(x * Contrast + Brightness), the kind
/// of shift a new lighting set-up or sensor brings. The identity drift leaves images as they are.
/// </summary>
public sealed record ImageDrift(double Contrast = 1, double Brightness = 0)
{
    public static ImageDrift None { get; } = new();

    public bool IsIdentity => Contrast == 1 && Brightness == 0;

    // src, dst: one example's raw pixels, 0..255.
    public void Apply(ReadOnlySpan<float> src, Span<float> dst)
    {
        for (int i = 0; i < src.Length; i++)
            dst[i] = (float)Math.Round(Math.Clamp(src[i] * Contrast + Brightness, 0, 255));
    }

    public override string ToString() => IsIdentity ? "none" : $"contrast x{Contrast:0.##}, brightness {Brightness:+0;-0}";
}
