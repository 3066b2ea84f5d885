using Lepton.Engine;
using Lepton.NN.Layers;

namespace Lepton.Tests.Shared;

/// <summary>Batch norms with statistics and affine parameters far from the identity, as a trained network has them (seeded).</summary>
internal static class TrainedBatchNorm
{
    public static T Of<T>(T bn, ulong seed) where T : BatchNorm
    {
        var rng = new Generator(seed);
        int c = bn.NumFeatures;
        bn.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight"] = Tensor.Rand(new Shape(c), rng).Add(0.5),
            ["bias"] = Tensor.Randn(new Shape(c), rng),
            ["running_mean"] = Tensor.Randn(new Shape(c), rng),
            ["running_var"] = Tensor.Rand(new Shape(c), rng).Add(0.2),
        }, strict: false);
        return bn;
    }
}
