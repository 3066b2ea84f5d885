using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Fusion;
using Lepton.NN.Serialization;
using Lepton.NN.Planned;

namespace Lepton.NN.Layers;

/// <summary>Elementwise max(0, x), as torch.nn.ReLU. Any shape.</summary>
public sealed class ReLU : Module, ILayerConfig, IFusableLayer, IPlannableLayer
{
    public override Tensor Forward(Tensor x) => x.Relu();

    /// <summary>ReLU then max pooling run as one op with identical values and gradients, so the ReLU output is never stored.</summary>
    public LayerFusion? TryFuse(IReadOnlyList<Module> next) =>
        next.Count > 0 && next[0] is MaxPool2d pool ? new LayerFusion(1, pool.ForwardAfterRelu, BlameOffset: 1) : null;

    public JsonObject GetConfig() => [];

    public override string ToString() => "ReLU()";

    /// <summary>Followed by max pooling, ReLU and the pool plan as one op with identical values and gradients, as they run forward.</summary>
    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        if (next.Count > 0 && next[0] is MaxPool2d pool && PlannedMaxPool.FusesRelu(pool, input))
        {
            absorbed = 1;
            return new PlannedMaxPool(pool, input, afterRelu: true);
        }
        absorbed = 0;
        return new PlannedRelu(this);
    }
}
