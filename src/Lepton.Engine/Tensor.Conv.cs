namespace Lepton.Engine;

public sealed partial class Tensor
{
    /// <summary>2-D convolution (cross-correlation, as PyTorch). x: (N,C,H,W), weight: (O,C/groups,kH,kW), bias: (O).</summary>
    public Tensor Conv2d(Tensor weight, Tensor? bias = null, int strideH = 1, int strideW = 1, int padH = 0, int padW = 0,
        int dilationH = 1, int dilationW = 1, int groups = 1) => throw new NotImplementedException();

    /// <summary>Max pooling. x: (N,C,H,W) → (N,C,OH,OW).</summary>
    public Tensor MaxPool2d(int kernelH, int kernelW, int strideH, int strideW, int padH = 0, int padW = 0) => throw new NotImplementedException();

    /// <summary>Average pooling (padding counted in the divisor, as PyTorch's default). x: (N,C,H,W).</summary>
    public Tensor AvgPool2d(int kernelH, int kernelW, int strideH, int strideW, int padH = 0, int padW = 0) => throw new NotImplementedException();

    /// <summary>Adaptive average pooling to (outH,outW), PyTorch's bin edges. x: (N,C,H,W).</summary>
    public Tensor AdaptiveAvgPool2d(int outH, int outW) => throw new NotImplementedException();

    /// <summary>Softmax along an axis (numerically stable).</summary>
    public Tensor Softmax(int axis = -1) => throw new NotImplementedException();

    /// <summary>Log-softmax along an axis (numerically stable).</summary>
    public Tensor LogSoftmax(int axis = -1) => throw new NotImplementedException();

    /// <summary>Concatenates along an existing axis.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0) => throw new NotImplementedException();

    /// <summary>Stacks along a new axis.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis = 0) => throw new NotImplementedException();

    /// <summary>Picks entries along an axis: out[i][j] = x[i][index[i][j]] for axis 1 (torch.gather). index: Int32, same rank.</summary>
    public Tensor Gather(int axis, Tensor index) => throw new NotImplementedException();

    /// <summary>Selects whole slices along an axis by Int32 indices (torch.index_select).</summary>
    public Tensor IndexSelect(int axis, Tensor index) => throw new NotImplementedException();

    /// <summary>Embedding lookup: this is the table (V,D), ids Int32 of any shape → (..., D).</summary>
    public Tensor Embedding(Tensor ids) => throw new NotImplementedException();

    /// <summary>Inverted dropout: zeroes with probability p and scales survivors by 1/(1-p); identity when !training.</summary>
    public Tensor Dropout(double p, bool training, Generator rng) => throw new NotImplementedException();
}
