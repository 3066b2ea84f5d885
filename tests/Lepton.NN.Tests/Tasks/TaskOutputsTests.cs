using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Tasks;

namespace Lepton.NN.Tests.Tasks;

public class TaskOutputsTests
{
    [Fact]
    public void Multiclass_Logits_TopLabelsWithSoftmaxProbabilities()
    {
        var decoder = TaskOutputs.For(TaskSpec.Multiclass, ["cat", "dog", "bird"], 3);
        var answer = Assert.IsType<ClassAnswer>(decoder.Decode([1f, 3f, 2f], topK: 2));
        // softmax(1, 3, 2) = e^(x-3) / (e^-2 + 1 + e^-1)
        double z = Math.Exp(-2) + 1 + Math.Exp(-1);
        Assert.Equal(2, answer.Top.Count);
        Assert.Equal("dog", answer.Label);
        Assert.Equal(1 / z, answer.Top[0].Probability, 12);
        Assert.Equal("bird", answer.Top[1].Label);
        Assert.Equal(Math.Exp(-1) / z, answer.Top[1].Probability, 12);
    }

    [Fact]
    public void Multiclass_TiesAndHugeLogits_LowerIndexFirstAndNoOverflow()
    {
        var decoder = TaskOutputs.For(TaskSpec.Multiclass, [], 3);
        var answer = Assert.IsType<ClassAnswer>(decoder.Decode([1000f, 1000f, -1000f], topK: 10));
        Assert.Equal(["0", "1", "2"], answer.Top.Select(t => t.Label));
        Assert.Equal(0.5, answer.Top[0].Probability, 12);
        Assert.Equal(0.0, answer.Top[2].Probability, 12);
    }

    [Fact]
    public void Binary_OneLogit_LabelFromClassNamesAndPositiveProbability()
    {
        var decoder = TaskOutputs.For(new TaskSpec(TaskKind.Binary, Threshold: 0.7), ["ham", "spam"], 1);
        var high = Assert.IsType<BinaryAnswer>(decoder.Decode([2f]));
        Assert.Equal("spam", high.Label);
        Assert.True(high.IsPositive);
        Assert.Equal(1 / (1 + Math.Exp(-2)), high.Probability, 12);
        // σ(0.5) ≈ 0.62: positive at 0.5, not at the spec's 0.7.
        var middle = Assert.IsType<BinaryAnswer>(decoder.Decode([0.5f]));
        Assert.Equal("ham", middle.Label);
        Assert.False(middle.IsPositive);
        Assert.Equal(1 / (1 + Math.Exp(-0.5)), middle.Probability, 12);
    }

    [Fact]
    public void Binary_NoClassNames_PositiveAndNegative()
    {
        var decoder = TaskOutputs.For(new TaskSpec(TaskKind.Binary), null, 1);
        var answers = decoder.Decode(Tensor.FromArray(new float[] { -3f, 0f, 40f }, 3, 1));
        Assert.Equal(["negative", "positive", "positive"], answers.Select(a => ((BinaryAnswer)a).Label));
        Assert.Equal(0.5, ((BinaryAnswer)answers[1]).Probability, 12);
        Assert.Equal(1.0, ((BinaryAnswer)answers[2]).Probability, 12);
        Assert.Equal(["negative", "positive"], decoder.Names);
    }

    [Fact]
    public void MultiLabel_Logits_IndependentProbabilitiesAndLabelsAtThreshold()
    {
        var decoder = TaskOutputs.For(new TaskSpec(TaskKind.MultiLabel, Threshold: 0.5), ["red", "round", "sweet"], 3);
        var answer = Assert.IsType<MultiLabelAnswer>(decoder.Decode([3f, 0f, -3f]));
        Assert.Equal(["red", "round", "sweet"], answer.Probabilities.Select(p => p.Label));
        Assert.Equal(1 / (1 + Math.Exp(-3)), answer.Probabilities[0].Probability, 12);
        // Exactly at the threshold counts as on, as the spec says "at or above".
        Assert.Equal(["red", "round"], answer.Labels);
        var none = Assert.IsType<MultiLabelAnswer>(decoder.Decode([-1f, -2f, -3f]));
        Assert.Empty(none.Labels);
    }

    [Fact]
    public void Regression_Values_NamedByTargetNamesOrIndex()
    {
        var named = TaskOutputs.For(new TaskSpec(TaskKind.Regression, TargetNames: ["price", "days"]), null, 2);
        var answers = named.Decode(Tensor.FromArray(new float[] { 1.5f, -2f, 3f, 4f }, 2, 2));
        var second = Assert.IsType<RegressionAnswer>(answers[1]);
        Assert.Equal([new NamedValue("price", 3), new NamedValue("days", 4)], second.Values);
        var single = TaskOutputs.For(new TaskSpec(TaskKind.Regression), null, 1);
        Assert.Equal("value", Assert.IsType<RegressionAnswer>(single.Decode([7f])).Values[0].Name);
        Assert.Equal(["value_0", "value_1", "value_2"], TaskOutputs.For(new TaskSpec(TaskKind.Regression), null, 3).Names);
        // (N) is read as (N, 1) for one output.
        Assert.Equal(2, single.Decode(Tensor.FromArray(new float[] { 1f, 2f }, 2)).Length);
    }

    [Fact]
    public void Probabilities_WritesIntoTheCallersBuffer()
    {
        Span<double> p = stackalloc double[2];
        TaskOutputs.For(TaskSpec.Multiclass, ["a", "b"], 2).Probabilities([0f, 0f], p);
        Assert.Equal([0.5, 0.5], p.ToArray());
        TaskOutputs.For(new TaskSpec(TaskKind.MultiLabel), ["a", "b"], 2).Probabilities([0f, 100f], p);
        Assert.Equal([0.5, 1.0], p.ToArray());
    }

    [Fact]
    public void Multiclass_ClassNamesDoNotMatchOutputs_ErrorNamesBothCountsAndFix()
    {
        var error = Assert.Throws<ArgumentException>(() => TaskOutputs.For(TaskSpec.Multiclass, ["a", "b", "c"], 4));
        Assert.Contains("multiclass", error.Message);
        Assert.Contains("4 outputs", error.Message);
        Assert.Contains("3 names", error.Message);
    }

    [Theory]
    [InlineData(TaskKind.Binary, 2, "one logit")]
    [InlineData(TaskKind.Multiclass, 1, "binary task")]
    [InlineData(TaskKind.MultiLabel, 0, "at least one output")]
    public void For_OutputCountThatCannotBeTheTask_ClearError(TaskKind kind, int outputs, string hint)
    {
        var error = Assert.Throws<ArgumentException>(() => TaskOutputs.For(new TaskSpec(kind), null, outputs));
        Assert.Contains(hint, error.Message);
    }

    [Fact]
    public void Binary_ThreeClassNames_Refused()
    {
        var error = Assert.Throws<ArgumentException>(() => TaskOutputs.For(new TaskSpec(TaskKind.Binary), ["a", "b", "c"], 1));
        Assert.Contains("(negative, positive)", error.Message);
    }

    [Fact]
    public void Regression_TargetNamesDoNotMatch_ErrorNamesTheCounts()
    {
        var error = Assert.Throws<ArgumentException>(() => TaskOutputs.For(new TaskSpec(TaskKind.Regression, TargetNames: ["a"]), null, 2));
        Assert.Contains("2 values", error.Message);
        Assert.Contains("1 names", error.Message);
    }

    [Fact]
    public void Decode_RowOrTensorOfTheWrongWidth_ErrorNamesTheShape()
    {
        var decoder = TaskOutputs.For(new TaskSpec(TaskKind.MultiLabel), null, 3);
        Assert.Contains("got 2", Assert.Throws<ArgumentException>(() => decoder.Decode([1f, 2f])).Message);
        Assert.Contains("(N, 3)", Assert.Throws<ArgumentException>(() => decoder.Decode(Tensor.Zeros(2, 4))).Message);
    }
}
