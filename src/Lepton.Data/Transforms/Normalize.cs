using Lepton.Engine;

namespace Lepton.Data.Transforms;

/// <summary>Per-channel (x - mean[c]) / std[c] on a batch (N,C,...); one mean/std pair applies to every channel.</summary>
public sealed record Normalize(float[] Mean, float[] Std)
{
    /// <summary>A normalized copy of <paramref name="batch"/> (N,C,...).</summary>
    public Tensor Apply(Tensor batch)
    {
        var copy = batch.Detach().To(DType.Float32).Clone();
        ApplyInPlace(copy);
        return copy;
    }

    /// <summary>Normalizes a dense float32 batch (N,C,...) in place (e.g. a whole in-memory dataset once).</summary>
    public void ApplyInPlace(Tensor batch)
    {
        Validate(batch);
        int n = batch.Shape[0];
        int channels = batch.Rank >= 2 ? batch.Shape[1] : 1;
        int plane = n == 0 || channels == 0 ? 0 : batch.Numel / (n * channels);
        var data = batch.Span<float>();
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                int k = Mean.Length == 1 ? 0 : c;
                float mean = Mean[k], inv = 1f / Std[k];
                var span = data.Slice((i * channels + c) * plane, plane);
                for (int j = 0; j < span.Length; j++) span[j] = (span[j] - mean) * inv;
            }
        }
    }

    private void Validate(Tensor batch)
    {
        if (Mean.Length == 0 || Mean.Length != Std.Length)
            throw new ArgumentException($"Normalize needs as many means as stds (at least one), got {Mean.Length} means and {Std.Length} stds.");
        foreach (var s in Std)
            if (!(s > 0)) throw new ArgumentException($"Normalize std values must be > 0, got [{string.Join(", ", Std)}].");
        if (batch.DType != DType.Float32 || !batch.IsContiguous)
            throw new ArgumentException($"Normalize.ApplyInPlace needs a dense float32 tensor, got {batch.DType} {batch.Shape}{(batch.IsContiguous ? "" : " (strided view)")}.");
        if (batch.Rank < 1)
            throw new ArgumentException("Normalize expected a batch (N,C,...), got a scalar.");
        int channels = batch.Rank >= 2 ? batch.Shape[1] : 1;
        if (Mean.Length != 1 && Mean.Length != channels)
            throw new ArgumentException($"Normalize has {Mean.Length} channel means but the batch {batch.Shape} has C={channels} on axis 1 (expected (N,C,...)).");
    }
}
