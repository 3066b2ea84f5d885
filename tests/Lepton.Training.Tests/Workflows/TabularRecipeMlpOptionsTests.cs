using Lepton.Data.Tables.Encoding;
using Lepton.Training.Workflows.Tables;

namespace Lepton.Training.Tests.Workflows;

/// <summary>--epochs, --lr and --batch-size reach the MLP's options, are refused for learners that take no epochs, and the MLP gets the linear encoders.</summary>
public sealed class TabularRecipeMlpOptionsTests
{
    [Fact]
    public void MlpOptions_Given_SetEpochsRateAndBatch()
    {
        var o = TabularRecipe.MlpOptions("mlp", 50, 0.01, 16)!;
        Assert.Equal((50, 0.01, 16), (o.MaxEpochs, o.LearningRate, o.BatchSize!.Value));
        Assert.Null(TabularRecipe.MlpOptions("mlp", null, null, null));
        // The MLP's rate is not a tree option.
        Assert.Null(TabularRecipe.TreeOptions("mlp", null, 0.01));
    }

    [Theory]
    [InlineData("gbdt", 10, null, "--model gbdt takes neither")]
    [InlineData("auto", null, 32, "--model auto takes neither")]
    [InlineData("mlp", 0, null, "--epochs")]
    [InlineData("mlp", null, 0, "--batch-size")]
    public void MlpOptions_Refused_ErrorNamesTheProblem(string model, int? epochs, int? batch, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => TabularRecipe.MlpOptions(model, epochs, null, batch));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mlp", EncoderMode.Linear)]
    [InlineData("linear-svm", EncoderMode.Linear)]
    [InlineData("logistic", EncoderMode.Linear)]
    [InlineData("gbdt", EncoderMode.Trees)]
    [InlineData("auto", EncoderMode.Trees)]
    public void EncoderModeOf_LinearModelsAndTheMlpGetImputedStandardizedFeatures(string model, EncoderMode mode) =>
        Assert.Equal(mode, TabularRecipe.EncoderModeOf(model));

    [Fact]
    public void Validate_NamesEveryTableLearner()
    {
        var e = Assert.Throws<ArgumentException>(() => new TabularRecipe("t@1", "svm").Validate());
        Assert.Contains("auto, gbdt, random-forest, logistic, linear, linear-svm, mlp", e.Message, StringComparison.Ordinal);
    }
}
