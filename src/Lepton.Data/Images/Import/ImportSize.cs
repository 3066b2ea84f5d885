namespace Lepton.Data.Images.Import;

/// <summary>The stored size an import chooses when none is given.</summary>
public static class ImportSize
{
    /// <summary>Largest side kept as is when most images share one size.</summary>
    public const int MaxCommonSide = 256;

    /// <summary>
    /// The most common size when at least half the images have it and both sides are at most 256 (a curated data set keeps
    /// its size); otherwise a square of the median shorter side, clamped to [32, 128] (small enough to train on a CPU).
    /// </summary>
    public static (int Width, int Height) Choose(IReadOnlyList<(int Width, int Height)> sizes)
    {
        if (sizes.Count == 0) return (64, 64);
        var common = sizes.GroupBy(s => s).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Width).ThenBy(g => g.Key.Height).First();
        if (common.Count() * 2 >= sizes.Count && common.Key.Width <= MaxCommonSide && common.Key.Height <= MaxCommonSide) return common.Key;
        var shorter = sizes.Select(s => Math.Min(s.Width, s.Height)).Order().ToList();
        int side = Math.Clamp(shorter[(shorter.Count - 1) / 2], 32, 128);
        return (side, side);
    }
}
