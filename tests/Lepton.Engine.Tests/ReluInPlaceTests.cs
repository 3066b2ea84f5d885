using Lepton.Engine.Kernels;

namespace Lepton.Engine.Tests;

/// <summary>The in-place ReLU that convolution epilogues run gives <see cref="Tensor.Relu"/>'s values (NaN, signed zeros, the tail past the last vector).</summary>
public class ReluInPlaceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(37)]
    public void Apply_EqualsRelu(int n)
    {
        var values = Tensor.Randn(new Shape(n), new Generator(1)).ToArray();
        values[0] = float.NaN;
        if (n > 2) values[2] = -0f;
        var expected = Tensor.FromArray(values, n).Relu().ToArray();
        ReluInPlace.Apply(values.AsSpan());
        Assert.Equal(expected, values);
    }

    [Fact]
    public void Rows_RectifiesOnlyTheGivenRowsOfEachPlane()
    {
        // 2 planes of 3 rows x 4 columns, all -1: rows 1..2 of each become 0, row 0 stays.
        var y = Enumerable.Repeat(-1f, 24).ToArray();
        ReluInPlace.Rows(y, 0, planes: 2, rows: 3, cols: 4, row0: 1, row1: 3);
        for (int p = 0; p < 2; p++)
        for (int i = 0; i < 12; i++)
            Assert.Equal(i < 4 ? -1f : 0f, y[p * 12 + i]);
    }
}
