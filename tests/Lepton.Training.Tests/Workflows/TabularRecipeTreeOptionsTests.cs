using Lepton.Training.Classic.LightGbm;
using Lepton.Training.Workflows.Tables;

namespace Lepton.Training.Tests.Workflows;

/// <summary>`lepton train --trees N --lr R` on a table: a fixed round count without early stopping, refused where no trees grow.</summary>
public sealed class TabularRecipeTreeOptionsTests
{
    [Fact]
    public void TreeOptions_NeitherGiven_NullSoTheLearnerDefaultsApply() =>
        Assert.Null(TabularRecipe.TreeOptions("gbdt", null, null));

    [Fact]
    public void TreeOptions_GbdtTreesAndRate_FixedRoundsWithoutEarlyStopping()
    {
        var o = TabularRecipe.TreeOptions("gbdt", 100, 0.3)!;
        Assert.Equal((100, 0.3, 0, BoostingMode.Gbdt), (o.Iterations, o.LearningRate, o.EarlyStoppingRounds, o.Mode));
        Assert.Equal(GradientBoostingOptions.Default.NumLeaves, o.NumLeaves);
    }

    [Fact]
    public void TreeOptions_GbdtRateOnly_KeepsEarlyStopping()
    {
        var o = TabularRecipe.TreeOptions("gbdt", null, 0.1)!;
        Assert.Equal((GradientBoostingOptions.Default.Iterations, 0.1, GradientBoostingOptions.Default.EarlyStoppingRounds),
            (o.Iterations, o.LearningRate, o.EarlyStoppingRounds));
    }

    [Fact]
    public void TreeOptions_RandomForestTrees_ForestWithThatManyTrees()
    {
        var o = TabularRecipe.TreeOptions("random-forest", 40, null)!;
        Assert.Equal((40, BoostingMode.RandomForest), (o.Iterations, o.Mode));
    }

    [Theory]
    [InlineData("logistic", 100, null, "grows no trees")]
    [InlineData("auto", 100, null, "grows no trees")]
    [InlineData("random-forest", null, 0.1, "no learning rate")]
    [InlineData("gbdt", 0, null, "at least 1")]
    [InlineData("gbdt", null, 2.0, "(0, 1]")]
    public void TreeOptions_Refused_ErrorNamesTheProblem(string model, int? trees, double? rate, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => TabularRecipe.TreeOptions(model, trees, rate));
        Assert.Contains(expected, e.Message);
    }
}
