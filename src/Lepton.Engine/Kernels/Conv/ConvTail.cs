namespace Lepton.Engine.Kernels;

/// <summary>
/// What an inference convolution applies to its output while it is still in cache: nothing, ReLU, or ReLU and a 2x2 max
/// pool (stride 2). The values are those of the ops run one after another.
/// </summary>
internal enum ConvTail
{
    None,
    Relu,
    ReluMaxPool2x2,
}
