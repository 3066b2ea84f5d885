using Lepton.Engine;
using Lepton.NN.Layers;

namespace Lepton.NN.Planned;

/// <summary>
/// <see cref="Dropout"/> over fixed buffers: a mask of 0 or 1/(1-p) drawn from the layer's generator element by element,
/// as Tensor.Dropout draws it; y = x·mask and gx = gy·mask. In eval mode (or p = 0) it copies.
/// </summary>
internal sealed class PlannedDropout : PlannedLayer
{
    private readonly Dropout _layer;
    private readonly float[] _mask;
    private bool _masked;

    public PlannedDropout(Dropout layer, Shape input) : base(layer)
    {
        _layer = layer;
        _mask = new float[input.Size];
    }

    public override void Forward()
    {
        var x = X.Data<float>().AsSpan(0, _mask.Length);
        var y = Y.Data<float>().AsSpan(0, _mask.Length);
        _masked = _layer.IsTraining && _layer.P > 0;
        if (!_masked)
        {
            x.CopyTo(y);
            return;
        }
        double p = _layer.P;
        float keep = p >= 1 ? 0f : (float)(1 / (1 - p));
        var rng = _layer.Rng;
        for (int i = 0; i < _mask.Length; i++) _mask[i] = rng.NextDouble() < p ? 0f : keep;
        for (int i = 0; i < y.Length; i++) y[i] = x[i] * _mask[i];
    }

    public override void Backward()
    {
        var g = GY.Data<float>().AsSpan(0, _mask.Length);
        var gx = GX!.Data<float>().AsSpan(0, _mask.Length);
        if (!_masked)
        {
            g.CopyTo(gx);
            return;
        }
        for (int i = 0; i < gx.Length; i++) gx[i] = g[i] * _mask[i];
    }
}
