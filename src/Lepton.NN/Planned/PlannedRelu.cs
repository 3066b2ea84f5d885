using System.Numerics;
using Lepton.NN.Layers;

namespace Lepton.NN.Planned;

/// <summary><see cref="ReLU"/> over fixed buffers: y = max(x, 0); gx = gy where x &gt; 0, else 0 (ReluOp and ReluGradOp's values).</summary>
internal sealed class PlannedRelu(ReLU layer) : PlannedElementwise(layer)
{
    protected override void ForwardRange(int start, int end)
    {
        var x = X.Data<float>();
        var y = Y.Data<float>();
        int i = start, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i + w <= end; i += w)
            {
                var v = new Vector<float>(x, i);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, Vector<float>.Zero).CopyTo(y, i);
            }
        for (; i < end; i++) y[i] = x[i] > 0 ? x[i] : 0;
    }

    protected override void BackwardRange(int start, int end)
    {
        var x = X.Data<float>();
        var g = GY.Data<float>();
        var gx = GX!.Data<float>();
        int i = start, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i + w <= end; i += w)
            {
                var v = new Vector<float>(x, i);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), new Vector<float>(g, i), Vector<float>.Zero).CopyTo(gx, i);
            }
        for (; i < end; i++) gx[i] = x[i] > 0 ? g[i] : 0;
    }
}
