namespace Lepton.Data.Images.Inspection;

/// <summary>
/// Finds all pairs of 64-bit hashes within a Hamming radius without comparing every pair (multi-index hashing, Norouzi
/// et al. 2012): the 64 bits are cut into 4 bands of 16; two hashes within distance t agree within floor(t/4) bits on at
/// least one band (pigeonhole), so each hash probes, per band, only the bucket values that near. With t = 8 a probe is
/// 137 buckets per band and buckets hold n/65536 hashes, so 100k images cost tens of millions of look-ups, not 5e9 pairs.
/// </summary>
public static class HammingIndex
{
    private const int Bands = 4;
    private const int BandBits = 16;

    /// <summary>All pairs (i &lt; j) with Distance(hashes[i], hashes[j]) &lt;= <paramref name="radius"/>, sorted.</summary>
    public static List<(int A, int B)> Pairs(IReadOnlyList<ulong> hashes, int radius)
    {
        if (radius is < 0 or > 63)
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "HammingIndex radius must be in 0..63.");
        var tables = new Dictionary<ushort, List<int>>[Bands];
        for (int b = 0; b < Bands; b++)
        {
            tables[b] = [];
            for (int i = 0; i < hashes.Count; i++)
            {
                var key = Band(hashes[i], b);
                if (!tables[b].TryGetValue(key, out var list)) tables[b][key] = list = [];
                list.Add(i);
            }
        }
        int bandRadius = radius / Bands;
        var probes = Probes(bandRadius);
        var found = new HashSet<long>();
        var pairs = new List<(int, int)>();
        for (int i = 0; i < hashes.Count; i++)
            for (int b = 0; b < Bands; b++)
            {
                var key = Band(hashes[i], b);
                foreach (var flip in probes)
                {
                    if (!tables[b].TryGetValue((ushort)(key ^ flip), out var list)) continue;
                    foreach (var j in list)
                    {
                        if (j <= i || PerceptualHash.Distance(hashes[i], hashes[j]) > radius) continue;
                        if (found.Add(((long)i << 32) | (uint)j)) pairs.Add((i, j));
                    }
                }
            }
        pairs.Sort();
        return pairs;
    }

    /// <summary>The reference twin: every pair compared (O(n^2)); for tests.</summary>
    public static List<(int A, int B)> PairsReference(IReadOnlyList<ulong> hashes, int radius)
    {
        var pairs = new List<(int, int)>();
        for (int i = 0; i < hashes.Count; i++)
            for (int j = i + 1; j < hashes.Count; j++)
                if (PerceptualHash.Distance(hashes[i], hashes[j]) <= radius) pairs.Add((i, j));
        return pairs;
    }

    private static ushort Band(ulong hash, int band) => (ushort)(hash >> (band * BandBits));

    /// <summary>Every 16-bit mask with at most <paramref name="r"/> bits set.</summary>
    private static List<ushort> Probes(int r)
    {
        var masks = new List<ushort>();
        for (int m = 0; m < 1 << BandBits; m++)
            if (System.Numerics.BitOperations.PopCount((uint)m) <= r) masks.Add((ushort)m);
        return masks;
    }
}
