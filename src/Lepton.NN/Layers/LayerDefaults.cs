using Lepton.Engine;

namespace Lepton.NN.Layers;

/// <summary>Shared defaults for layer construction.</summary>
public static class LayerDefaults
{
    /// <summary>Seed of the default random streams, so models built without a <see cref="Engine.Generator"/> are reproducible.</summary>
    public const ulong Seed = 0;

    // The stream single layers built without an rng draw from. Generator is not thread-safe, so every draw
    // (a Fork) happens under the lock; each layer then owns its forked generator.
    private static readonly Lock SharedGate = new();
    private static Generator _shared = new(Seed);

    /// <summary>
    /// A fresh generator at <see cref="Seed"/>, for a whole model built at once (LayerRegistry.Build): the same
    /// model.json always builds the same weights, whatever was built before it.
    /// </summary>
    public static Generator Generator() => new(Seed);

    /// <summary>
    /// A generator for one layer built without an rng: forked from a shared stream that advances with every
    /// call (like torch's global generator), so two same-shaped layers start with different weights while a
    /// process that builds layers in the same order gets the same weights. Thread-safe.
    /// </summary>
    public static Generator NextLayerGenerator()
    {
        lock (SharedGate) return _shared.Fork();
    }

    /// <summary>Restarts the shared stream of <see cref="NextLayerGenerator"/> at <paramref name="seed"/> (like torch.manual_seed).</summary>
    public static void ResetGenerator(ulong seed = Seed)
    {
        lock (SharedGate) _shared = new(seed);
    }

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
