using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Planned;

namespace Lepton.NN.Layers;

/// <summary>Averages each channel into a fixed (outH,outW) grid whatever the input size, as torch.nn.AdaptiveAvgPool2d.</summary>
public sealed class AdaptiveAvgPool2d : Module, ILayerConfig, IPlannableLayer
{
    public AdaptiveAvgPool2d(int outputSize) : this(outputSize, outputSize) { }

    public AdaptiveAvgPool2d(int outputH, int outputW)
    {
        if (outputH <= 0 || outputW <= 0)
            throw new ArgumentException($"AdaptiveAvgPool2d needs output_size >= 1, got ({outputH}, {outputW}).");
        OutputH = outputH;
        OutputW = outputW;
    }

    public int OutputH { get; }

    public int OutputW { get; }

    // x: (N,C,H,W) → (N,C,outH,outW)
    public override Tensor Forward(Tensor x)
    {
        LayerDefaults.ExpectRank4(x, "AdaptiveAvgPool2d");
        return x.AdaptiveAvgPool2d(OutputH, OutputW);
    }

    public JsonObject GetConfig() => new() { ["output_size"] = new JsonArray(OutputH, OutputW) };

    public override string ToString() => $"AdaptiveAvgPool2d(output_size=({OutputH}, {OutputW}))";

    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        absorbed = 0;
        return new PlannedAvgPool(this, input);
    }
}
