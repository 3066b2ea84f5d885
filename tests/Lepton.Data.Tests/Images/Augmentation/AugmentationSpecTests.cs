using Lepton.Data.Images.Augmentation;

namespace Lepton.Data.Tests.Images.Augmentation;

public class AugmentationSpecTests
{
    [Fact]
    public void Parse_IssueExample_ReadsEveryTerm()
    {
        var spec = AugmentationSpec.Parse("flip,rotate=15,shear=0.2,zoom=0.2,crop=0.9,brightness=0.2,contrast=0.2,cutout=8");
        Assert.Equal(new AugmentationSpec(Flip: true, Rotate: 15, Shear: 0.2, Zoom: 0.2, Crop: 0.9, Brightness: 0.2, Contrast: 0.2, Cutout: 8), spec);
    }

    [Theory]
    [InlineData("flip,rotate=15,shear=0.2,zoom=0.2,crop=0.9,brightness=0.2,contrast=0.2,cutout=8")]
    [InlineData("vflip,translate=0.1,fill=constant")]
    [InlineData("")]
    public void ToString_CanonicalText_RoundTrips(string text)
    {
        var spec = AugmentationSpec.Parse(text);
        Assert.Equal(text, spec.ToString());
        Assert.Equal(spec, AugmentationSpec.Parse(spec.ToString()));
    }

    [Fact]
    public void Parse_SpacesAndOrder_GiveCanonicalOrder()
    {
        Assert.Equal("flip,rotate=10,zoom=0.1", AugmentationSpec.Parse(" zoom=0.1 , flip, rotate = 10 ").ToString());
    }

    [Theory]
    [InlineData("rotate=200", "rotate=DEGREES with DEGREES from 0 to 180")]
    [InlineData("zoom=-0.1", "zoom=Z with Z from 0 to 0.9")]
    [InlineData("crop=0", "crop=C with C from 0.1 to 1")]
    [InlineData("cutout=2.5", "cutout=PIXELS with PIXELS from 0 to 4096")]
    [InlineData("shear", "needs a value")]
    [InlineData("flip=maybe", "takes no value or true/false")]
    [InlineData("fill=wrap", "fill=nearest")]
    public void Parse_BadValue_NamesTermAndRange(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => AugmentationSpec.Parse(text));
        Assert.Contains(expected, error.Message);
        Assert.Contains(text.Split('=')[0], error.Message);
    }

    [Fact]
    public void Parse_UnknownTerm_ListsValidTerms()
    {
        var error = Assert.Throws<FormatException>(() => AugmentationSpec.Parse("flip,rotation=10"));
        Assert.Contains("'rotation'", error.Message);
        Assert.Contains("rotate=DEGREES (0 to 180)", error.Message);
    }

    [Fact]
    public void Parse_RepeatedTerm_IsAnError()
    {
        Assert.Contains("given twice", Assert.Throws<FormatException>(() => AugmentationSpec.Parse("flip,flip")).Message);
    }

    [Fact]
    public void FromTerms_YamlStyleMapping_MatchesParse()
    {
        var spec = AugmentationSpec.FromTerms([new("flip", "true"), new("rotate", "15"), new("cutout", "8"), new("vflip", "false")]);
        Assert.Equal(AugmentationSpec.Parse("flip,rotate=15,cutout=8"), spec);
    }

    [Fact]
    public void IsIdentity_OnlyForNoTerms()
    {
        Assert.True(AugmentationSpec.Parse("").IsIdentity);
        Assert.True(AugmentationSpec.Parse("fill=constant").IsIdentity);
        Assert.False(AugmentationSpec.Parse("brightness=0.1").IsIdentity);
        Assert.False(AugmentationSpec.Parse("brightness=0.1").HasAffine);
        Assert.True(AugmentationSpec.Parse("crop=0.8").HasAffine);
    }
}
