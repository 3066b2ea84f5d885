using Lepton.Engine;

namespace Lepton.NN.Layers;

/// <summary>
/// The additive score biases of attention. Lepton's padding masks are (N,T) with 1 for real tokens and 0 for padding
/// (Hugging Face's attention_mask; PyTorch's key_padding_mask is its negation). Masked scores get a large negative
/// number rather than −∞: the same softmax wherever a row has a real key, and no NaN for an all-padding row.
/// </summary>
public static class AttentionMasks
{
    /// <summary>The bias added to masked-out scores.</summary>
    public const double Masked = -1e9;

    /// <summary>(N,1,1,Tk): 0 where the key is real, <see cref="Masked"/> where it is padding.</summary>
    public static Tensor KeyPadding(Tensor mask, int batch, int keys, DType dtype, string layer)
    {
        if (mask.Rank != 2 || mask.Shape[0] != batch || mask.Shape[1] != keys)
            throw new ArgumentException($"{layer} expected a padding mask ({batch},{keys}) with 1 for real tokens, got {mask.Shape}.");
        var m = mask.ToDoubleArray();
        var b = new double[m.Length];
        for (int i = 0; i < m.Length; i++) b[i] = m[i] != 0 ? 0 : Masked;
        return Tensor.FromArray(b, batch, 1, 1, keys).To(dtype);
    }

    /// <summary>(Tq,Tk): 0 where query i may see key j (j ≤ i), <see cref="Masked"/> above the diagonal.</summary>
    public static Tensor Causal(int queries, int keys, DType dtype)
    {
        var b = new double[queries * keys];
        for (int i = 0; i < queries; i++)
            for (int j = i + 1; j < keys; j++) b[i * keys + j] = Masked;
        return Tensor.FromArray(b, queries, keys).To(dtype);
    }
}
