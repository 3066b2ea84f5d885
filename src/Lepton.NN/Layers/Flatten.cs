using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Planned;

namespace Lepton.NN.Layers;

/// <summary>Options of <see cref="Flatten"/>: the range of dimensions merged (PyTorch's defaults keep the batch).</summary>
public sealed record FlattenOptions(int StartDim = 1, int EndDim = -1);

/// <summary>Merges dimensions start_dim..end_dim, as torch.nn.Flatten: (N,C,H,W) → (N,C·H·W).</summary>
public sealed class Flatten(FlattenOptions? options = null) : Module, ILayerConfig, IPlannableLayer
{
    public FlattenOptions Options { get; } = options ?? new FlattenOptions();

    public override Tensor Forward(Tensor x)
    {
        int r = Math.Max(x.Rank, 1);
        int s = Options.StartDim < 0 ? Options.StartDim + r : Options.StartDim;
        int e = Options.EndDim < 0 ? Options.EndDim + r : Options.EndDim;
        if (s < 0 || e >= r || s > e)
            throw new ArgumentException($"Flatten(start_dim={Options.StartDim}, end_dim={Options.EndDim}) does not fit input {x.Shape}; an input with a batch needs rank >= 2.");
        return x.Flatten(s, e);
    }

    public JsonObject GetConfig() => new() { ["start_dim"] = Options.StartDim, ["end_dim"] = Options.EndDim };

    public override string ToString() => $"Flatten(start_dim={Options.StartDim}, end_dim={Options.EndDim})";

    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        absorbed = 0;
        return new PlannedView(this);
    }
}
