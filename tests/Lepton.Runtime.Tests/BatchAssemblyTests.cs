using Lepton.Engine;

namespace Lepton.Runtime.Tests;

/// <summary>Joining request rows into a batch: plain concatenation for equal lengths, padding by the rule otherwise, any dtype.</summary>
public sealed class BatchAssemblyTests
{
    [Fact]
    public void Int32Rows_ArePaddedAtTheEndToTheLongest_WithTheRulesValue()
    {
        var a = Tensor.FromArray([1, 2], 1, 2);
        var b = Tensor.FromArray([3, 4, 5, 6, 7, 8], 2, 3);
        var batch = BatchAssembly.Concat([a, b], new PaddingRule(0, 0));
        Assert.Equal((DType.Int32, new Shape(3, 3)), (batch.DType, batch.Shape));
        Assert.Equal([1, 2, 0, 3, 4, 5, 6, 7, 8], batch.ToIntArray());
    }

    [Fact]
    public void PaddingAnInnerAxis_KeepsTheOtherAxesInPlace()
    {
        // Examples (length, 2 features) padded along the length with -1.
        var a = Tensor.FromArray([1f, 2f], 1, 1, 2);
        var b = Tensor.FromArray([3f, 4f, 5f, 6f], 1, 2, 2);
        var batch = BatchAssembly.Concat([a, b], new PaddingRule(0, -1));
        Assert.Equal(new Shape(2, 2, 2), batch.Shape);
        Assert.Equal([1f, 2f, -1f, -1f, 3f, 4f, 5f, 6f], batch.ToArray());
    }

    [Fact]
    public void EqualLengths_AreConcatenatedAsTheyAre_AndOnePartIsReturnedItself()
    {
        var a = Tensor.FromArray([1f, 2f], 1, 2);
        var b = Tensor.FromArray([3f, 4f], 1, 2);
        Assert.Equal([1f, 2f, 3f, 4f], BatchAssembly.Concat([a, b], new PaddingRule(0, 9)).ToArray());
        Assert.Same(a, BatchAssembly.Concat([a], null));
    }

    [Fact]
    public void DifferentLengthsWithoutARule_AreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => BatchAssembly.Concat([Tensor.Zeros(1, 2), Tensor.Zeros(1, 3)], null));
        Assert.Contains("Concat", error.Message);
    }
}
