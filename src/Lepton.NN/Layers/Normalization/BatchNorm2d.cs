namespace Lepton.NN.Layers;

/// <summary>Batch normalization over (N,H,W) for each channel of (N,C,H,W), as torch.nn.BatchNorm2d.</summary>
public sealed class BatchNorm2d(int numFeatures, BatchNormOptions? options = null) : BatchNorm(numFeatures, options)
{
    // x: (N,C,H,W) → same shape
    protected override void CheckInput(Engine.Tensor x)
    {
        LayerDefaults.ExpectNchw(x, "BatchNorm2d", "num_features", NumFeatures);
    }
}
