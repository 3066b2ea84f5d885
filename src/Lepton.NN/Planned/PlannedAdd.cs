using Lepton.Engine;
using Lepton.Engine.Kernels;
using Lepton.NN.Layers;

namespace Lepton.NN.Planned;

/// <summary>
/// <see cref="Add"/> of two same-shaped inputs over fixed buffers (a residual block's <c>out + shortcut</c>): y = x + x2;
/// each input's gradient is gy (AddOp's values, copied so that neither branch's backward can change the other's).
/// </summary>
internal sealed class PlannedAdd(Add layer) : PlannedLayer(layer)
{
    /// <summary>The second input.</summary>
    public Tensor X2 = null!;

    /// <summary>The gradient with respect to <see cref="X2"/>; null when nothing trainable comes before it.</summary>
    public Tensor? GX2;

    public override bool NeedsBackward => GX is not null || GX2 is not null;

    public override void Forward()
    {
        // x2 + x: the same sum as x + x2, bit for bit.
        var y = Y.Span<float>();
        X.Span<float>().CopyTo(y);
        VectorMath.AddTo<float>(X2.Span<float>(), y);
    }

    public override void Backward()
    {
        var gy = GY.Span<float>();
        if (GX is not null) gy.CopyTo(GX.Span<float>());
        if (GX2 is not null) gy.CopyTo(GX2.Span<float>());
    }
}
