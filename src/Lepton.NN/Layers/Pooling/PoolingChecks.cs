using Lepton.Engine;

namespace Lepton.NN.Layers;

/// <summary>Input checks shared by the pooling layers.</summary>
internal static class PoolingChecks
{
    public static void EnsureFits(Tensor x, string layer, int kernel, int padding)
    {
        if (x.Shape[2] + 2 * padding < kernel || x.Shape[3] + 2 * padding < kernel)
            throw new ArgumentException($"{layer}(kernel_size={kernel}, padding={padding}) needs H and W of at least {kernel - 2 * padding}, got input {x.Shape}.");
    }
}
