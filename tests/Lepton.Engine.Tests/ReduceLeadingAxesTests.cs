namespace Lepton.Engine.Tests;

/// <summary>Sums over leading axes (column sums, no transposed copy) against a double-precision loop, with their gradient.</summary>
public sealed class ReduceLeadingAxesTests
{
    public static TheoryData<int[], int[], bool> Cases => new()
    {
        { [1, 1], [0], false },
        { [3, 7], [0], false },
        { [64, 256], [0], true },
        { [2, 3, 5], [0], false },
        { [2, 3, 5], [0, 1], true },
        { [2, 3, 5], [1, 0], false },
        { [0, 3], [0], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesADoublePrecisionLoop(int[] shape, int[] axes, bool keepDim)
    {
        var x = Tensor.Randn(new Shape(shape), new Generator(8));
        var y = x.Sum(axes, keepDim);
        int lead = axes.Length, rows = shape[..lead].Aggregate(1, (a, b) => a * b), cols = shape[lead..].Aggregate(1, (a, b) => a * b);
        var expectedShape = keepDim ? shape.Select((d, i) => i < lead ? 1 : d).ToArray() : shape[lead..];
        Assert.Equal(new Shape(expectedShape), y.Shape);
        var v = x.ToArray();
        var got = y.ToArray();
        for (int j = 0; j < cols; j++)
        {
            double s = 0;
            for (int r = 0; r < rows; r++) s += v[r * cols + j];
            Assert.Equal(s, got[j], 1e-4);
        }
    }

    [Fact]
    public void ATransposedViewTakesTheGeneralPathWithTheSameResult()
    {
        var x = Tensor.Randn(new Shape(6, 9), new Generator(4));
        var viaView = x.T.Contiguous().T.Sum(0).ToArray();
        var dense = x.Sum(0).ToArray();
        for (int j = 0; j < dense.Length; j++) Assert.Equal(dense[j], viaView[j], 1e-5f);
    }

    [Fact]
    public void GradientSpreadsOverTheSummedAxes() =>
        GradCheck.Check(t => t[0].Sum([0, 1]), Tensor.Randn(new Shape(2, 3, 4), new Generator(6), dtype: DType.Float64));
}
