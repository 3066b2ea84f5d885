using Lepton.Data.Images;
using Lepton.Engine;

namespace Lepton.Runtime;

/// <summary>
/// One named input or output of a predictor: its dtype and the shape of one example (the batch dimension left out),
/// with -1 for a variable length; a variable input axis carries the <see cref="PaddingRule"/> that lets examples share a batch.
/// </summary>
public sealed record TensorSignature
{
    public TensorSignature(string name, DType dtype, int[] exampleShape, PaddingRule? padding = null, ResizePolicy? image = null)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A tensor signature needs a name, got an empty one.", nameof(name));
        ArgumentNullException.ThrowIfNull(exampleShape);
        if (exampleShape.Any(d => d < -1 || d == 0))
            throw new ArgumentException($"Tensor '{name}' has example shape [{string.Join(",", exampleShape)}]; each dimension must be >= 1, or -1 for a variable length.");
        if (padding is not null && (padding.Axis < 0 || padding.Axis >= exampleShape.Length || exampleShape[padding.Axis] != -1))
            throw new ArgumentException(
                $"Tensor '{name}' pads along example axis {padding.Axis}, but its example shape [{string.Join(",", exampleShape)}] has no -1 there; pad a variable axis.");
        Name = name;
        DType = dtype;
        ExampleShape = exampleShape;
        Padding = padding;
        Image = image;
    }

    /// <summary>For an image input: how an uploaded image of any size becomes this input; null for other inputs.</summary>
    public ResizePolicy? Image { get; }

    public string Name { get; }

    public DType DType { get; }

    /// <summary>One example's dimensions, -1 where the length varies, e.g. [1, 28, 28] or [-1] for token ids.</summary>
    public int[] ExampleShape { get; }

    public PaddingRule? Padding { get; }

    /// <summary>True when every example dimension is fixed.</summary>
    public bool IsFixed => Array.TrueForAll(ExampleShape, d => d > 0);

    /// <summary>The batched shape with -1 for the batch, e.g. [-1,1,28,28].</summary>
    public int[] BatchShape => [-1, .. ExampleShape];

    public string BatchShapeText => $"[{string.Join(",", BatchShape)}]";

    /// <summary>True when <paramref name="shape"/> (N, ...) fits: same rank, fixed dimensions equal, variable ones >= 1.</summary>
    public bool Accepts(ReadOnlySpan<int> shape)
    {
        if (shape.Length != ExampleShape.Length + 1) return false;
        for (int i = 0; i < ExampleShape.Length; i++)
        {
            int want = ExampleShape[i], got = shape[i + 1];
            if (want == -1 ? got < 1 : got != want) return false;
        }
        return true;
    }
}
