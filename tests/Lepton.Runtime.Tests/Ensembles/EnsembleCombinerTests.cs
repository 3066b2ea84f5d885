using Lepton.Engine;
using Lepton.Runtime.Ensembles;

namespace Lepton.Runtime.Tests.Ensembles;

/// <summary>The vote arithmetic against values worked out by hand.</summary>
public sealed class EnsembleCombinerTests
{
    private static Tensor Row(params float[] v) => Tensor.FromArray(v, 1, v.Length);

    private static double[] Softmax(Tensor logits) => [.. logits.Softmax(-1).ToArray().Select(v => (double)v)];

    private static double Sigmoid(float z) => 1 / (1 + Math.Exp(-z));

    [Fact]
    public void SoftClasses_IsTheLogOfTheMeanProbability()
    {
        // softmax: [1/2, 1/4, 1/4], [2/3, 1/6, 1/6], [1/6, 1/6, 2/3] → mean [4/9, 7/36, 13/36]
        var combined = EnsembleCombiner.SoftClasses([Row(MathF.Log(2), 0, 0), Row(MathF.Log(4), 0, 0), Row(0, 0, MathF.Log(4))]);

        var p = Softmax(combined);
        Assert.Equal(4.0 / 9, p[0], 6);
        Assert.Equal(7.0 / 36, p[1], 6);
        Assert.Equal(13.0 / 36, p[2], 6);
        Assert.Equal(Math.Log(4.0 / 9), combined.ToArray()[0], 5);
    }

    [Fact]
    public void HardClasses_GivesVoteSharesAndBreaksTiesTowardsTheLowerClass()
    {
        // Row 0: votes 0, 0, 2 → [2/3, 0, 1/3]. Row 1: votes 2, 1, 0 (a three-way tie) → class 0 first.
        var a = Tensor.FromArray([5f, 1, 1, 0, 0, 9], 2, 3);
        var b = Tensor.FromArray([3f, 2, 1, 0, 7, 0], 2, 3);
        var c = Tensor.FromArray([0f, 0, 1, 8, 0, 0], 2, 3);

        var combined = EnsembleCombiner.HardClasses([a, b, c]);

        var p = combined.Softmax(-1).ToArray();
        Assert.Equal(2.0 / 3, p[0], 6);
        Assert.Equal(0, p[1], 6);
        Assert.Equal(1.0 / 3, p[2], 6);
        Assert.All(combined.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(combined.ToArray()[3], combined.ToArray()[4]);
        Assert.Equal(combined.ToArray()[3], combined.ToArray()[5]);
        Assert.Equal("class0", TopClasses.FromLogits(combined, ["r0", "r1"], ["class0", "class1", "class2"], 1)[1].Top[0].Label);
    }

    [Fact]
    public void SoftSigmoid_IsTheLogitOfTheMeanProbability()
    {
        // p = 1/2 and 3/4 → 5/8, whose logit is ln(5/3); a second output: p = 0.1 and 0.3 → 0.2.
        float l1 = MathF.Log(1f / 9), l3 = MathF.Log(3f / 7);
        var combined = EnsembleCombiner.SoftSigmoid([Tensor.FromArray([0f, l1], 1, 2), Tensor.FromArray([MathF.Log(3), l3], 1, 2)]).ToArray();

        Assert.Equal(Math.Log(5.0 / 3), combined[0], 5);
        Assert.Equal(0.2, Sigmoid(combined[1]), 6);
    }

    [Fact]
    public void HardSigmoid_CountsEachMembersYesAtItsOwnThreshold()
    {
        // p = 1/2 ≥ 0.5 (yes) and p = 3/4 < 0.8 (no): a share of 1/2; with 0.5 and 0.7 both say yes: 1.
        var members = new[] { Row(0f), Row(MathF.Log(3)) };

        Assert.Equal(0.5, Sigmoid(EnsembleCombiner.HardSigmoid(members, [0.5, 0.8]).ToArray()[0]), 6);
        Assert.Equal(1.0, Sigmoid(EnsembleCombiner.HardSigmoid(members, [0.5, 0.7]).ToArray()[0]), 6);
    }

    [Fact]
    public void Mean_AveragesEveryElement()
    {
        var combined = EnsembleCombiner.Mean([Tensor.FromArray([1f, 10], 2, 1), Tensor.FromArray([2f, 20], 2, 1), Tensor.FromArray([6f, 60], 2, 1)]);

        Assert.Equal([3f, 30f], combined.ToArray());
        Assert.Equal([2, 1], combined.Shape.ToArray());
    }

    [Fact]
    public void Combiners_MembersOfDifferentShapes_AreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => EnsembleCombiner.SoftClasses([Row(1, 2, 3), Row(1, 2)]));
        Assert.Contains("members must agree", e.Message);
    }
}
