using Lepton.Engine;

namespace Lepton.NN.Layers;

/// <summary>Shared defaults for layer construction.</summary>
public static class LayerDefaults
{
    /// <summary>Seed used when a layer is built without a <see cref="Engine.Generator"/>, so default models are reproducible.</summary>
    public const ulong Seed = 0;

    public static Generator Generator() => new(Seed);

    /// <summary>Checks a 4-D (N,C,H,W) input with the expected channel count, with an error that names the fix.</summary>
    internal static void ExpectNchw(Tensor x, string layer, string channelOption, int channels)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"{layer}({channelOption}={channels}) expected input (N,{channels},H,W), got {x.Shape}."
                + (x.Rank == 3 ? " Add a batch dimension: a single image is (1,C,H,W)." : x.Rank == 2 ? " Is a Reshape missing before this layer?" : ""));
        if (x.Shape[1] != channels)
            throw new ArgumentException($"{layer}({channelOption}={channels}) expected input (N,{channels},H,W), got {x.Shape}. Did you mean {channelOption}={x.Shape[1]}?");
    }

    internal static void ExpectRank4(Tensor x, string layer)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"{layer} expected input (N,C,H,W), got {x.Shape}."
                + (x.Rank == 3 ? " Add a batch dimension: a single image is (1,C,H,W)." : ""));
    }
}
