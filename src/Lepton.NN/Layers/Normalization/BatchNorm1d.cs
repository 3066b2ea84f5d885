namespace Lepton.NN.Layers;

/// <summary>Batch normalization over N (and L) for each feature of (N,C) or (N,C,L), as torch.nn.BatchNorm1d.</summary>
public sealed class BatchNorm1d(int numFeatures, BatchNormOptions? options = null) : BatchNorm(numFeatures, options)
{
    // x: (N,C) or (N,C,L) → same shape
    protected override void CheckInput(Engine.Tensor x)
    {
        if (x.Rank is not (2 or 3) || x.Shape[1] != NumFeatures)
            throw new ArgumentException($"BatchNorm1d(num_features={NumFeatures}) expected input (N,{NumFeatures}) or (N,{NumFeatures},L), got {x.Shape}."
                + (x.Rank is 2 or 3 ? $" Did you mean num_features={x.Shape[1]}?" : x.Rank == 4 ? " Use BatchNorm2d for (N,C,H,W)." : ""));
    }
}
