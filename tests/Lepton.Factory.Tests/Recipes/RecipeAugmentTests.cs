using Lepton.Data.Images.Augmentation;
using Lepton.Factory.Recipes;

namespace Lepton.Factory.Tests.Recipes;

/// <summary><c>training.augment</c>: the command line's text or a mapping of the same terms, errors at the value's line.</summary>
public sealed class RecipeAugmentTests
{
    [Fact]
    public void Augment_Text_ParsesAsOnTheCommandLine()
    {
        var r = RecipeLoader.Parse("name: a\ntraining:\n  augment: \"flip,rotate=15,shear=0.2,zoom=0.2\"\n");
        Assert.Equal(AugmentationSpec.Parse("flip,rotate=15,shear=0.2,zoom=0.2"), r.Training.Augment);
    }

    [Fact]
    public void Augment_Mapping_ReadsTheSameTerms()
    {
        var r = RecipeLoader.Parse("name: a\ntraining:\n  augment:\n    flip: true\n    rotate: 15\n    cutout: 8\n");
        Assert.Equal(AugmentationSpec.Parse("flip,rotate=15,cutout=8"), r.Training.Augment);
    }

    [Fact]
    public void Augment_Absent_IsNull()
    {
        Assert.Null(RecipeLoader.Parse("name: a\ntraining:\n  epochs: 2\n").Training.Augment);
    }

    [Fact]
    public void Augment_OutOfRange_IsAnErrorAtItsLineWithTheRange()
    {
        var e = Assert.Single(Assert.Throws<RecipeException>(() =>
            RecipeLoader.Parse("name: a\ntraining:\n  epochs: 2\n  augment:\n    rotate: 400\n", "r.yaml")).Errors);
        Assert.Equal(5, e.Line); // the mapping under augment:
        Assert.Contains("'training.augment'", e.Message);
        Assert.Contains("rotate=DEGREES with DEGREES from 0 to 180", e.Message);
    }
}
