using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Planned;

namespace Lepton.NN.Layers;

/// <summary>Options of <see cref="AvgPool2d"/>; Stride defaults to the kernel size, as in PyTorch.</summary>
public sealed record AvgPool2dOptions(int? Stride = null, int Padding = 0);

/// <summary>Average pooling over square windows (padding counts in the divisor), as torch.nn.AvgPool2d.</summary>
public sealed class AvgPool2d : Module, ILayerConfig, IPlannableLayer
{
    public AvgPool2d(int kernelSize, AvgPool2dOptions? options = null)
    {
        Options = options ?? new AvgPool2dOptions();
        KernelSize = kernelSize;
        Stride = Options.Stride ?? kernelSize;
        if (kernelSize <= 0 || Stride <= 0 || Options.Padding < 0 || Options.Padding * 2 > kernelSize)
            throw new ArgumentException($"AvgPool2d needs kernel_size >= 1, stride >= 1 and 0 <= padding <= kernel_size/2, got kernel_size={kernelSize}, {Options}.");
    }

    public int KernelSize { get; }

    public int Stride { get; }

    public AvgPool2dOptions Options { get; }

    public override Tensor Forward(Tensor x)
    {
        LayerDefaults.ExpectRank4(x, "AvgPool2d");
        PoolingChecks.EnsureFits(x, "AvgPool2d", KernelSize, Options.Padding);
        return x.AvgPool2d(KernelSize, KernelSize, Stride, Stride, Options.Padding, Options.Padding);
    }

    public JsonObject GetConfig() => new() { ["kernel_size"] = KernelSize, ["stride"] = Stride, ["padding"] = Options.Padding };

    public override string ToString() => $"AvgPool2d(kernel_size={KernelSize}, stride={Stride}, padding={Options.Padding})";

    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        absorbed = 0;
        return new PlannedAvgPool(this, input);
    }
}
