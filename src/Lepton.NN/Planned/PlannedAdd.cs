using System.Numerics;
using Lepton.Engine;
using Lepton.NN.Layers;

namespace Lepton.NN.Planned;

/// <summary>
/// <see cref="Add"/> of two same-shaped inputs over fixed buffers (a residual block's <c>out + shortcut</c>): y = x + x2;
/// each input's gradient is gy (AddOp's values). The plan makes an input gradient the very buffer of gy where it can, as
/// the recorded backward hands both inputs the same tensor; otherwise gy is copied.
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
        ReadOnlySpan<float> a = X.Span<float>(), b = X2.Span<float>();
        var y = Y.Span<float>();
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (int w = Vector<float>.Count; i + w <= y.Length; i += w)
                (new Vector<float>(a[i..]) + new Vector<float>(b[i..])).CopyTo(y[i..]);
        for (; i < y.Length; i++) y[i] = a[i] + b[i];
    }

    public override void Backward()
    {
        var gy = GY.Span<float>();
        if (GX is not null && !ReferenceEquals(GX, GY)) gy.CopyTo(GX.Span<float>());
        if (GX2 is not null && !ReferenceEquals(GX2, GY)) gy.CopyTo(GX2.Span<float>());
    }
}
