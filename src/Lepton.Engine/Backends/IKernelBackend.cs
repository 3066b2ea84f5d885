using Lepton.Engine.Kernels;

namespace Lepton.Engine.Backends;

/// <summary>The elementwise activations a backend runs over whole buffers, forward and backward.</summary>
internal enum Activation
{
    Relu,
    Tanh,
    Sigmoid,
    LeakyRelu,
    Gelu,
}

/// <summary>
/// The one seam between layers and the kernels that do their work: planned layers call these on dense Float32 tensors
/// (outputs and gradients start at offset 0) and never a concrete kernel, so another backend (a GPU one) slots in
/// behind <see cref="Backend.Current"/> without touching layers. Every output named here is overwritten, never added to.
/// </summary>
internal interface IKernelBackend
{
    /// <summary>A short name for logs and errors ("cpu").</summary>
    string Name { get; }

    /// <summary>y (rows, out) = x (rows, in) · wᵀ (w: (out, in)) + b (out).</summary>
    void LinearForward(Tensor x, Tensor w, Tensor? b, Tensor y, int rows, int inFeatures, int outFeatures);

    /// <summary>gx = gy·w, gw = gyᵀ·x, gb = column sums of gy; each only when given.</summary>
    void LinearBackward(Tensor x, Tensor w, Tensor gy, Tensor? gx, Tensor? gw, Tensor? gb, int rows, int inFeatures, int outFeatures);

    /// <summary>y (N,O,OH,OW) = conv(x (N,C,H,W), w (O,C/groups,KH,KW)) + b (O).</summary>
    void Conv2dForward(Tensor x, Tensor w, Tensor? b, ConvGeometry g, Tensor y);

    /// <summary>Input, weight and bias gradients of a convolution from gy; each only when given.</summary>
    void Conv2dBackward(Tensor x, Tensor w, Tensor gy, ConvGeometry g, Tensor? gx, Tensor? gw, Tensor? gb);

    /// <summary>Whether <see cref="MaxPool2dForward"/> can pool max(x, 0) in one pass for this geometry.</summary>
    bool MaxPoolFusesRelu(PoolGeometry g);

    /// <summary>y = max over each window of x (of max(x, 0) when <paramref name="relu"/>); argmax (Int32) keeps the winners.</summary>
    void MaxPool2dForward(Tensor x, PoolGeometry g, Tensor y, Tensor argmax, bool relu);

    /// <summary>gx from gy through the winners; <paramref name="reluInput"/> (the pool's x when it fused a ReLU) masks by x &gt; 0.</summary>
    void MaxPool2dBackward(Tensor gy, PoolGeometry g, Tensor argmax, Tensor gx, Tensor? reluInput);

    /// <summary>Average pooling (padding counted in the divisor).</summary>
    void AvgPool2dForward(Tensor x, PoolGeometry g, Tensor y);

    void AvgPool2dBackward(Tensor gy, PoolGeometry g, Tensor gx);

    /// <summary>Adaptive average pooling of planes (H,W) to (OH,OW) with PyTorch's bin edges.</summary>
    void AdaptiveAvgPool2dForward(Tensor x, int planes, int h, int w, int oh, int ow, Tensor y);

    void AdaptiveAvgPool2dBackward(Tensor gy, int planes, int h, int w, int oh, int ow, Tensor gx);

    /// <summary>
    /// Batch normalization of x (N,C,S); with <paramref name="batchStats"/> the batch statistics normalize and the running
    /// ones (when given) move in place by momentum. mean and invstd (Float64, (C)) keep what the backward needs.
    /// </summary>
    void BatchNormForward(Tensor x, BatchNormGeometry g, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar,
        bool batchStats, double momentum, double eps, Tensor y, Tensor mean, Tensor invstd);

    /// <summary>Input, weight and bias gradients of batch normalization; each only when given.</summary>
    void BatchNormBackward(Tensor x, Tensor gy, BatchNormGeometry g, Tensor? weight, Tensor mean, Tensor invstd, bool batchStats,
        Tensor? gx, Tensor? gw, Tensor? gb);

    /// <summary>y = f(x) elementwise over all of y's elements; <paramref name="slope"/> is LeakyReLU's negative slope.</summary>
    void ActivationForward(Activation f, double slope, Tensor x, Tensor y);

    /// <summary>gx = gy · f'(x) elementwise, from the forward's x and y.</summary>
    void ActivationBackward(Activation f, double slope, Tensor x, Tensor y, Tensor gy, Tensor gx);

    /// <summary>
    /// The summed negative log-likelihood of <paramref name="targets"/> under log-softmax of logits (rows, classes); the
    /// log-probabilities go to <paramref name="logp"/> for <see cref="NllSoftmaxBackward"/>.
    /// </summary>
    float LogSoftmaxNll(Tensor logits, int rows, int classes, ReadOnlySpan<int> targets, Tensor logp);

    /// <summary>gx = scale · (softmax − one-hot(targets)), from the log-probabilities of <see cref="LogSoftmaxNll"/>.</summary>
    void NllSoftmaxBackward(Tensor logp, int rows, int classes, ReadOnlySpan<int> targets, float scale, Tensor gx);
}
