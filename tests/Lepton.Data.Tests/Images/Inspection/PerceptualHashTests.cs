using Lepton.Data.Images.Inspection;

namespace Lepton.Data.Tests.Images.Inspection;

public sealed class PerceptualHashTests
{
    private const int Side = SyntheticImages.Side;

    private static ulong Hash(byte[] img) => PerceptualHash.Compute(img, Side, Side, 3);

    [Fact]
    public void Compute_NearCopies_WithinTheCandidateRadiusAndConfirmedUnrelatedOnesRejected()
    {
        var s = new SyntheticImages(11);
        var options = new InspectionOptions();
        var originals = Enumerable.Range(0, 200).Select(_ => s.Random()).ToList();
        var copies = originals.Select(o => s.NearCopy(o)).ToList();
        var copyDistances = originals.Select((o, i) => PerceptualHash.Distance(Hash(o), Hash(copies[i]))).ToList();
        var hist = string.Join(" ", copyDistances.GroupBy(d => d).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}"));
        // Measured: copies 0-4 bits (0:139 2:57 4:4); the closest of 19,900 unrelated pairs is 12 bits.
        Assert.True(copyDistances.Max() <= options.NearDuplicateDistance - 4, $"a near copy is too far (distances {hist})");
        Assert.All(originals.Select((o, i) => (o, c: copies[i])),
            x => Assert.True(ImageDatasetInspector.SamePicture(x.o, x.c, Side, Side, 3, options)));
        var hashes = originals.Select(Hash).ToList();
        int candidates = 0;
        for (int i = 0; i < hashes.Count; i++)
            for (int j = i + 1; j < hashes.Count; j++)
            {
                if (PerceptualHash.Distance(hashes[i], hashes[j]) > options.NearDuplicateDistance) continue;
                candidates++;
                Assert.False(ImageDatasetInspector.SamePicture(originals[i], originals[j], Side, Side, 3, options), $"images {i} and {j} confirmed");
            }
        Assert.True(candidates > 0, "no unrelated candidate pair: the check above tested nothing");
    }

    [Fact]
    public void Compute_ResizedCopy_WithinThreshold()
    {
        var s = new SyntheticImages(12);
        var original = s.Random();
        // The same picture stored at 40x40 and stretched back to 48x48: a resized copy.
        var small = new float[3 * 40 * 40];
        Lepton.Data.Images.ImageResize.Bilinear(original, Side, Side, 3, small, 40, 40);
        var hwc = new byte[40 * 40 * 3];
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < 40 * 40; p++) hwc[p * 3 + c] = (byte)Math.Clamp(MathF.Round(small[c * 1600 + p]), 0, 255);
        Assert.InRange(PerceptualHash.Distance(Hash(original), PerceptualHash.Compute(hwc, 40, 40, 3)), 0, 4);
    }

    [Fact]
    public void Compute_GrayAndRgbOfSameLuma_SameHash()
    {
        var s = new SyntheticImages(13);
        var rgb = s.Random();
        var gray = new byte[Side * Side];
        for (int p = 0; p < gray.Length; p++)
            gray[p] = (byte)((rgb[p * 3] * 299 + rgb[p * 3 + 1] * 587 + rgb[p * 3 + 2] * 114 + 500) / 1000);
        Assert.Equal(Hash(rgb), PerceptualHash.Compute(gray, Side, Side, 1));
    }

    [Fact]
    public void Pairs_RandomHashesWithPlantedNeighbours_MatchesAllPairsReference()
    {
        var rng = new Random(5);
        var hashes = new List<ulong>();
        for (int i = 0; i < 3000; i++)
        {
            ulong h = (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40);
            hashes.Add(h);
            if (i % 10 == 0)
            {
                // A neighbour 0..10 bits away, so pairs on both sides of the radius exist.
                ulong n = h;
                int flips = rng.Next(11);
                for (int f = 0; f < flips; f++) n ^= 1UL << rng.Next(64);
                hashes.Add(n);
            }
        }
        foreach (var radius in new[] { 0, 3, 8, 10 })
            Assert.Equal(HammingIndex.PairsReference(hashes, radius), HammingIndex.Pairs(hashes, radius));
    }
}
