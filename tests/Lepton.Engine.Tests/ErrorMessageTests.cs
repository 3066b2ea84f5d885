namespace Lepton.Engine.Tests;

/// <summary>Errors name the op, what it received and what to do.</summary>
public class ErrorMessageTests
{
    private static string Message(Action a) => Assert.ThrowsAny<Exception>(a).Message;

    [Fact]
    public void Conv2dChannelMismatchNamesExpectedAndReceived()
    {
        var x = Tensor.Zeros(8, 1, 28, 28);
        var w = Tensor.Zeros(16, 3, 3, 3);
        Assert.StartsWith("Conv2d expected input (N,C,H,W) with C=3, got (8,1,28,28).", Message(() => x.Conv2d(w)));
    }

    [Fact]
    public void Conv2dRejectsBadShapesGroupsAndKernels()
    {
        Assert.Contains("expected input (N,C,H,W), got (1,28,28)", Message(() => Tensor.Zeros(1, 28, 28).Conv2d(Tensor.Zeros(4, 1, 3, 3))));
        Assert.Contains("groups=3 must divide", Message(() => Tensor.Zeros(1, 4, 8, 8).Conv2d(Tensor.Zeros(6, 2, 3, 3), groups: 3)));
        var big = Message(() => Tensor.Zeros(1, 1, 4, 4).Conv2d(Tensor.Zeros(2, 1, 7, 7), padH: 1, padW: 1));
        Assert.Contains("larger than the padded input 6x6", big);
        Assert.Contains("bias (2)", Message(() => Tensor.Zeros(1, 1, 4, 4).Conv2d(Tensor.Zeros(2, 1, 3, 3), Tensor.Zeros(3))));
        Assert.Contains("Float64", Message(() => Tensor.Zeros(1, 1, 4, 4).Conv2d(Tensor.Zeros(new Shape(2, 1, 3, 3), DType.Float64))));
    }

    [Fact]
    public void PoolingErrors()
    {
        Assert.Contains("MaxPool2d expected input (N,C,H,W)", Message(() => Tensor.Zeros(3, 4).MaxPool2d(2, 2, 2, 2)));
        Assert.Contains("at most half the kernel", Message(() => Tensor.Zeros(1, 1, 8, 8).AvgPool2d(2, 2, 2, 2, 2, 2)));
        Assert.Contains("larger than the padded input", Message(() => Tensor.Zeros(1, 1, 2, 2).MaxPool2d(3, 3, 1, 1)));
    }

    [Fact]
    public void IndexErrorsNameTheBadIndex()
    {
        var table = Tensor.Zeros(10, 4);
        var msg = Message(() => table.Embedding(Tensor.FromArray(new[] { 1, 12 })));
        Assert.Contains("id 12", msg);
        Assert.Contains("V=10", msg);
        Assert.Contains("index 5 is out of range for axis 1 of size 3", Message(() => Tensor.Zeros(2, 3).Gather(1, Tensor.FromArray(new[] { 5, 0 }, 2, 1))));
        Assert.Contains("Int32", Message(() => Tensor.Zeros(2, 3).IndexSelect(0, Tensor.Zeros(2))));
        Assert.Contains("index -1", Message(() => Tensor.Zeros(2, 3).IndexSelect(0, Tensor.FromArray(new[] { -1 }))));
    }

    [Fact]
    public void JoinErrorsNameTheOffendingTensor()
    {
        Assert.Contains("tensor 1", Message(() => Tensor.Concat([Tensor.Zeros(2, 3), Tensor.Zeros(3, 3)], 1)));
        Assert.Contains("tensor 1 has shape (2,4)", Message(() => Tensor.Stack([Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)])));
        Assert.Contains("empty", Message(() => Tensor.Concat([])));
    }

    [Fact]
    public void CoreOpErrors()
    {
        Assert.Contains("do not broadcast", Message(() => Tensor.Zeros(2, 3).Add(Tensor.Zeros(4))));
        Assert.Contains("inner dimensions differ", Message(() => Tensor.Zeros(2, 3).Matmul(Tensor.Zeros(4, 2))));
        Assert.Contains("cannot reshape", Message(() => Tensor.Zeros(2, 3).Reshape(4, 2)));
        Assert.Contains("Dropout probability", Message(() => Tensor.Zeros(2).Dropout(1.5, true, new Generator(1))));
        Assert.Contains("Softmax needs a Float32 or Float64", Message(() => Tensor.FromArray(new[] { 1, 2 }).Softmax()));
    }
}
