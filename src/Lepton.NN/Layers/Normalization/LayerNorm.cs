using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Layers;

/// <summary>Options of <see cref="LayerNorm"/>.</summary>
public sealed record LayerNormOptions(double Eps = 1e-5, bool ElementwiseAffine = true);

/// <summary>
/// Normalizes over the trailing dimensions given by normalized_shape (biased variance), then scales and
/// shifts elementwise, as torch.nn.LayerNorm: weight and bias have shape normalized_shape.
/// </summary>
public sealed class LayerNorm : Module, ILayerConfig
{
    private readonly Parameter? _weight;
    private readonly Parameter? _bias;

    public LayerNorm(int normalizedShape, LayerNormOptions? options = null) : this([normalizedShape], options) { }

    public LayerNorm(int[] normalizedShape, LayerNormOptions? options = null)
    {
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentException($"LayerNorm needs a non-empty normalized_shape of positive sizes, got [{string.Join(", ", normalizedShape)}].");
        NormalizedShape = (int[])normalizedShape.Clone();
        Options = options ?? new LayerNormOptions();
        if (Options.ElementwiseAffine)
        {
            _weight = RegisterParameter("weight", Tensor.Ones(new Shape(NormalizedShape)));
            _bias = RegisterParameter("bias", Tensor.Zeros(new Shape(NormalizedShape)));
        }
    }

    public int[] NormalizedShape { get; }

    public LayerNormOptions Options { get; }

    // x: (..., *normalized_shape) → same shape
    public override Tensor Forward(Tensor x)
    {
        int k = NormalizedShape.Length;
        if (x.Rank < k || !x.Shape.Dims[(x.Rank - k)..].SequenceEqual(NormalizedShape))
            throw new ArgumentException(
                $"LayerNorm(normalized_shape=[{string.Join(", ", NormalizedShape)}]) expected input ending in ({string.Join(",", NormalizedShape)}), got {x.Shape}.");
        return x.LayerNorm(k, _weight?.Value, _bias?.Value, Options.Eps);
    }

    public JsonObject GetConfig() => new()
    {
        ["normalized_shape"] = new JsonArray(NormalizedShape.Select(d => (JsonNode)d).ToArray()),
        ["eps"] = Options.Eps,
        ["elementwise_affine"] = Options.ElementwiseAffine,
    };

    public override string ToString() => $"LayerNorm([{string.Join(", ", NormalizedShape)}], eps={Options.Eps})";
}
