using Lepton.Data;
using Lepton.Engine;
using Lepton.Reports.Evaluation;

namespace Lepton.Reports.Tests;

/// <summary>
/// The comparison cases end to end, through the path of <c>lepton eval --compare</c>: two models on 10,000 test-made
/// images that disagree on hundreds of them, 0.2 points apart (not significant) and 3 points apart (significant).
/// </summary>
public sealed class CompareSignificanceTests : IDisposable
{
    private const int N = 10_000, Classes = 10, Side = 28;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-compare-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData(200, 220, false)] // 0.2 points apart over 420 disagreements
    [InlineData(200, 500, true)]  // 3 points apart over 700 disagreements
    public async Task PairedTestSaysWhetherTheGapIsReal(int secondWrongWhereFirstRight, int secondRightWhereFirstWrong, bool significant)
    {
        var raw = PatchImages.Make(N, Classes, Side, seed: 21);
        var pixels = raw.Inputs.ToArray();
        var labels = raw.Targets.To(DType.Float32).ToArray().Select(v => (int)v).ToArray();
        // The first model answers the brightest cell; the second also reads a marker pixel the test lights in chosen images:
        // the wrong class where the first is right, the true class where the first is wrong.
        var firstRight = Enumerable.Range(0, N).Where(i => PatchImages.Brightest(pixels.AsSpan(i * Side * Side, Side * Side), Classes, Side) == labels[i]).ToList();
        var firstWrong = Enumerable.Range(0, N).Except(firstRight).ToList();
        Assert.True(firstWrong.Count >= secondRightWhereFirstWrong, $"the first model makes only {firstWrong.Count} mistakes");
        for (int i = 0; i < N; i++)
            for (int k = 0; k < Classes; k++) pixels[i * Side * Side + (Side - 1) * Side + k] = 0; // dark unless marked
        foreach (int i in firstRight.Take(secondWrongWhereFirstRight)) PatchImages.Mark(pixels, i, Side, (labels[i] + 1) % Classes);
        foreach (int i in firstWrong.Take(secondRightWhereFirstWrong)) PatchImages.Mark(pixels, i, Side, labels[i]);
        var data = new ReportData("patches-10k", new InMemoryDataset(Tensor.FromArray(pixels, N, 1, Side, Side), raw.Targets, raw.ClassNames),
            [.. Enumerable.Repeat("test", N)], "test");
        var first = new ReportModel("first", PatchImages.WriteModel(Path.Combine(_root, "first"), Classes, Side));
        var second = new ReportModel("second", PatchImages.WriteModel(Path.Combine(_root, "second"), Classes, Side, marker: 100));

        var comparison = await ReportWorkflow.CompareAsync(first, second, data, store: null);

        double gap = comparison.Second.Metrics.Accuracy - comparison.First.Metrics.Accuracy;
        Assert.Equal((secondRightWhereFirstWrong - secondWrongWhereFirstRight) / (double)N, gap, 9);
        Assert.Equal(secondWrongWhereFirstRight, comparison.McNemar.OnlyFirstCorrect);
        Assert.Equal(secondRightWhereFirstWrong, comparison.McNemar.OnlySecondCorrect);
        Assert.Equal(significant, comparison.McNemar.IsSignificant());
    }
}
