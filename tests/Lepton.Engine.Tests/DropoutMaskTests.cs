namespace Lepton.Engine.Tests;

/// <summary>The register-resident dropout mask against its plain twin, one NextDouble() per element.</summary>
public class DropoutMaskTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void FillDropoutMask_SameDrawsAsNextDouble(double p)
    {
        var fast = new Generator(11);
        var plain = new Generator(11);
        var mask = new float[1000];
        fast.FillDropoutMask<float>(mask, p, 2f);
        var expected = Enumerable.Range(0, 1000).Select(_ => plain.NextDouble() < p ? 0f : 2f).ToArray();
        Assert.Equal(expected, mask);
        Assert.Equal(plain.NextULong(), fast.NextULong());
    }
}
