using Lepton.Data.Transforms;
using Lepton.Engine;

namespace Lepton.Data;

/// <summary>
/// Maps raw input values (e.g. pixels 0..255 from PNG or IDX) to model input: x * Scale, then per-channel
/// (x - Mean[c]) / Std[c] on a batch (N,C,...). A model file stores these values so prediction repeats training.
/// </summary>
public sealed record Preprocessing(float Scale, float[] Mean, float[] Std)
{
    /// <summary>No scaling and no normalization.</summary>
    public static Preprocessing Identity { get; } = new(1f, [], []);

    /// <summary>Only the normalization step, for data already scaled (e.g. <see cref="FashionMnist"/> images in [0,1]).</summary>
    public Normalize Normalize => new(Mean, Std);

    /// <summary>Scaled and normalized float32 copy of a raw batch (N,C,...).</summary>
    public Tensor Apply(Tensor raw)
    {
        var x = raw.Detach().To(DType.Float32).Clone();
        if (Scale != 1f)
        {
            var span = x.Span<float>();
            for (int i = 0; i < span.Length; i++) span[i] *= Scale;
        }
        if (Mean.Length > 0) Normalize.ApplyInPlace(x);
        return x;
    }
}
