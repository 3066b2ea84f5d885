using Lepton.Engine;
using Lepton.Reports.Statistics;

namespace Lepton.Reports.Tests.Statistics;

public sealed class McNemarTests
{
    /// <summary>
    /// Correctness of two models on <paramref name="n"/> examples: the first right with probability <paramref name="first"/>;
    /// the second agrees with it except on a seeded share of examples, flipped so its accuracy is <paramref name="gap"/> higher.
    /// </summary>
    private static (bool[] A, bool[] B) Outcomes(int n, double first, double gap, ulong seed)
    {
        var rng = new Generator(seed);
        var a = new bool[n];
        var b = new bool[n];
        for (int i = 0; i < n; i++) a[i] = b[i] = rng.NextDouble() < first;
        // 600 examples each way disagree at random, then the gap is added by flipping wrong answers of B to right.
        int flips = 600;
        var order = rng.Permutation(n);
        int ab = 0, ba = 0, extra = (int)Math.Round(gap * n);
        foreach (int i in order)
        {
            if (a[i] && ab < flips) { b[i] = false; ab++; }
            else if (!a[i] && ba < flips + extra) { b[i] = true; ba++; }
        }
        return (a, b);
    }

    [Fact]
    public void Test_0Point2PointsApartOn10000Examples_IsNotSignificant()
    {
        var (a, b) = Outcomes(10_000, 0.85, 0.002, seed: 5);
        double gap = (b.Count(x => x) - a.Count(x => x)) / 10_000.0;
        Assert.Equal(0.002, gap, 6);
        var result = McNemar.Test(a, b);
        Assert.False(result.Exact);
        Assert.Equal(600, result.OnlyFirstCorrect);
        Assert.Equal(620, result.OnlySecondCorrect);
        Assert.False(result.IsSignificant(), $"p = {result.PValue}");
        // (|600 - 620| - 1)² / 1220
        Assert.Equal(19.0 * 19 / 1220, result.Statistic, 12);
    }

    [Fact]
    public void Test_3PointsApartOn10000Examples_IsSignificant()
    {
        var (a, b) = Outcomes(10_000, 0.85, 0.03, seed: 5);
        Assert.Equal(0.03, (b.Count(x => x) - a.Count(x => x)) / 10_000.0, 6);
        var result = McNemar.Test(a, b);
        Assert.True(result.IsSignificant(), $"p = {result.PValue}");
        Assert.True(result.PValue < 1e-6, $"p = {result.PValue}");
    }

    [Fact]
    public void FromCounts_FewDiscordantPairs_UsesTheExactBinomialTest()
    {
        // b = 1, c = 9: p = 2 · (C(10,0) + C(10,1)) / 2^10 = 22 / 1024.
        var result = McNemar.FromCounts(1, 9);
        Assert.True(result.Exact);
        Assert.Equal(22.0 / 1024, result.PValue, 15);
        Assert.Equal(1.0, McNemar.FromCounts(0, 0).PValue);
        Assert.Equal(1.0, McNemar.FromCounts(5, 5).PValue);
        Assert.Equal(2.0 / 4096, McNemar.FromCounts(12, 0).PValue, 15);
    }
}
