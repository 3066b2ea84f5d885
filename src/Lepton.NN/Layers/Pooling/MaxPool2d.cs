using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Planned;

namespace Lepton.NN.Layers;

/// <summary>Options of <see cref="MaxPool2d"/>; Stride defaults to the kernel size, as in PyTorch.</summary>
public sealed record MaxPool2dOptions(int? Stride = null, int Padding = 0);

/// <summary>Max pooling over square windows, as torch.nn.MaxPool2d. x (N,C,H,W) → (N,C,OH,OW).</summary>
public sealed class MaxPool2d : Module, ILayerConfig, IPlannableLayer
{
    public MaxPool2d(int kernelSize, MaxPool2dOptions? options = null)
    {
        Options = options ?? new MaxPool2dOptions();
        KernelSize = kernelSize;
        Stride = Options.Stride ?? kernelSize;
        if (kernelSize <= 0 || Stride <= 0 || Options.Padding < 0 || Options.Padding * 2 > kernelSize)
            throw new ArgumentException($"MaxPool2d needs kernel_size >= 1, stride >= 1 and 0 <= padding <= kernel_size/2, got kernel_size={kernelSize}, {Options}.");
    }

    public int KernelSize { get; }

    public int Stride { get; }

    public MaxPool2dOptions Options { get; }

    public override Tensor Forward(Tensor x) => Apply(x, afterRelu: false);

    /// <summary>This layer applied to ReLU(x), in one fused op (what Sequential runs for a ReLU followed by this layer).</summary>
    public Tensor ForwardAfterRelu(Tensor x) => Apply(x, afterRelu: true);

    private Tensor Apply(Tensor x, bool afterRelu)
    {
        LayerDefaults.ExpectRank4(x, "MaxPool2d");
        PoolingChecks.EnsureFits(x, "MaxPool2d", KernelSize, Options.Padding);
        return afterRelu
            ? x.ReluMaxPool2d(KernelSize, KernelSize, Stride, Stride, Options.Padding, Options.Padding)
            : x.MaxPool2d(KernelSize, KernelSize, Stride, Stride, Options.Padding, Options.Padding);
    }

    public JsonObject GetConfig() => new() { ["kernel_size"] = KernelSize, ["stride"] = Stride, ["padding"] = Options.Padding };

    public override string ToString() => $"MaxPool2d(kernel_size={KernelSize}, stride={Stride}, padding={Options.Padding})";

    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        absorbed = 0;
        return new PlannedMaxPool(this, input, afterRelu: false);
    }
}
