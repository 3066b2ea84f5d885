using Lepton.Engine.Backends;
using Lepton.NN.Layers;

namespace Lepton.NN.Planned;

/// <summary><see cref="ReLU"/> over fixed buffers: y = max(x, 0); gx = gy where x &gt; 0, else 0 (ReluOp and ReluGradOp's values).</summary>
internal sealed class PlannedRelu(ReLU layer) : PlannedLayer(layer)
{
    public override void Forward() => Backend.Current.ActivationForward(Activation.Relu, 0, X, Y);

    public override void Backward() => Backend.Current.ActivationBackward(Activation.Relu, 0, X, Y, GY, GX!);
}
