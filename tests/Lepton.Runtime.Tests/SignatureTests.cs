using Lepton.Engine;

namespace Lepton.Runtime.Tests;

/// <summary>Signatures refuse what a server could not batch or answer, with the tensor's name and the fix.</summary>
public sealed class SignatureTests
{
    private static readonly TensorSignature Logits = new("logits", DType.Float32, [3]);

    [Fact]
    public void AVariableInputWithoutPadding_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new PredictorSignature([new TensorSignature("ids", DType.Int32, [-1])], [Logits], OutputKind.ClassLogits));
        Assert.Contains("'ids'", error.Message);
        Assert.Contains("PaddingRule", error.Message);
    }

    [Fact]
    public void PaddingAFixedAxis_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new TensorSignature("ids", DType.Int32, [8], new PaddingRule(0)));
        Assert.Contains("has no -1 there", error.Message);
    }

    [Fact]
    public void DuplicateNames_AndAClassifierWithoutOneLogitsOutput_AreRefused()
    {
        var x = new TensorSignature("x", DType.Float32, [2]);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new PredictorSignature([x, x], [Logits], OutputKind.ClassLogits)).Message);
        Assert.Contains("one output of logits", Assert.Throws<ArgumentException>(() =>
            new PredictorSignature([x], [Logits, new TensorSignature("state", DType.Float32, [4])], OutputKind.ClassLogits)).Message);
        Assert.Equal(2, new PredictorSignature([x], [Logits, new TensorSignature("state", DType.Float32, [4])], OutputKind.Tensors).Outputs.Count);
    }

    [Theory]
    [InlineData(new[] { 5, 7, 2 }, true)]
    [InlineData(new[] { 1, 1, 2 }, true)]
    [InlineData(new[] { 5, 0, 2 }, false)]
    [InlineData(new[] { 5, 7, 3 }, false)]
    [InlineData(new[] { 5, 7 }, false)]
    public void Accepts_ChecksRankFixedDimensionsAndVariableLengths(int[] shape, bool accepted)
    {
        var ids = new TensorSignature("ids", DType.Int32, [-1, 2], new PaddingRule(0));
        Assert.Equal(accepted, ids.Accepts(shape));
        Assert.Equal([-1, -1, 2], ids.BatchShape);
    }

    [Fact]
    public void TensorSet_ConvertsBetweenNamesAndSignatureOrder()
    {
        var inputs = new[] { new TensorSignature("ids", DType.Int32, [4]), new TensorSignature("mask", DType.Int32, [4]) };
        var ids = Tensor.Zeros(new Shape(1, 4), DType.Int32);
        var mask = Tensor.Zeros(new Shape(1, 4), DType.Int32);
        var set = TensorSet.FromNamed(new Dictionary<string, Tensor> { ["mask"] = mask, ["ids"] = ids }, inputs);
        Assert.Same(ids, set[0]);
        Assert.Same(mask, set.ByName(inputs)["mask"]);
        Assert.Contains("No tensor named 'mask'", Assert.Throws<ArgumentException>(() =>
            TensorSet.FromNamed(new Dictionary<string, Tensor> { ["ids"] = ids }, inputs)).Message);
    }
}
