namespace Lepton.Engine.Tests;

/// <summary>The in-place ReLU of an inference output gives <see cref="Tensor.Relu"/>'s values (NaN, signed zeros, the tail past the last vector) and refuses what it must not write.</summary>
public class ReluInPlaceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(37)]
    public void ReluInPlace_EqualsRelu(int n)
    {
        var values = Tensor.Randn(new Shape(n), new Generator(1)).ToArray();
        values[0] = float.NaN;
        if (n > 2) values[2] = -0f;
        var expected = Tensor.FromArray(values, n).Relu().ToArray();
        var x = Tensor.FromArray(values, n);
        var same = x.ReluInPlace();
        Assert.Same(x, same);
        Assert.Equal(expected, x.ToArray());
    }

    [Fact]
    public void ReluInPlace_RefusesReadOnlyAndFloat64()
    {
        var ro = Tensor.Ones(4);
        ro.Storage.MakeReadOnly();
        Assert.Throws<InvalidOperationException>(() => ro.ReluInPlace());
        Assert.Throws<InvalidOperationException>(() => Tensor.Ones(4).To(DType.Float64).ReluInPlace());
    }
}
