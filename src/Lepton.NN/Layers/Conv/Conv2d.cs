using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Fusion;
using Lepton.NN.Serialization;
using Lepton.NN.Planned;

namespace Lepton.NN.Layers;

/// <summary>Options of <see cref="Conv2d"/> (square stride, padding and dilation).</summary>
public sealed record Conv2dOptions(int Stride = 1, int Padding = 0, int Dilation = 1, int Groups = 1, bool Bias = true);

/// <summary>2-D convolution as torch.nn.Conv2d: weight (O,C/groups,k,k), bias (O); x (N,C,H,W) → (N,O,OH,OW).</summary>
public sealed class Conv2d : Module, ILayerConfig, IFusableLayer, IPlannableLayer
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;

    public Conv2d(int inChannels, int outChannels, int kernelSize, Conv2dOptions? options = null, Generator? rng = null)
    {
        Options = options ?? new Conv2dOptions();
        var o = Options;
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0)
            throw new ArgumentException($"Conv2d needs in_channels, out_channels and kernel_size > 0, got ({inChannels}, {outChannels}, {kernelSize}).");
        if (o.Stride <= 0 || o.Dilation <= 0 || o.Padding < 0 || o.Groups <= 0)
            throw new ArgumentException($"Conv2d needs stride >= 1, dilation >= 1, padding >= 0 and groups >= 1, got {o}.");
        if (inChannels % o.Groups != 0 || outChannels % o.Groups != 0)
            throw new ArgumentException($"Conv2d: in_channels ({inChannels}) and out_channels ({outChannels}) must both be divisible by groups ({o.Groups}).");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        rng ??= LayerDefaults.NextLayerGenerator();
        var w = Tensor.Zeros(outChannels, inChannels / o.Groups, kernelSize, kernelSize);
        Init.TorchDefaultWeight(w, rng);
        _weight = RegisterParameter("weight", w);
        if (o.Bias)
        {
            var b = Tensor.Zeros(outChannels);
            Init.TorchDefaultBias(b, Init.Fans(w.Shape).FanIn, rng);
            _bias = RegisterParameter("bias", b);
        }
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int KernelSize { get; }

    public Conv2dOptions Options { get; }

    public Parameter Weight => _weight;

    public Parameter? Bias => _bias;

    // x: (N,C,H,W) → (N,O,OH,OW)
    public override Tensor Forward(Tensor x)
    {
        Validate(x);
        var o = Options;
        return x.Conv2d(_weight.Value, _bias?.Value, o.Stride, o.Stride, o.Padding, o.Padding, o.Dilation, o.Dilation, o.Groups);
    }

    /// <summary>
    /// A convolution, ReLU and 2x2 max pooling run as one op that pools each sample's convolution while it is in cache
    /// (a convolution and ReLU alone: rectified while in cache); when a gradient is recorded the layers' ops run. A
    /// BatchNorm2d right after (then a ReLU, then the pooling) folds into the convolution's weights in a prepared model.
    /// </summary>
    public LayerFusion? TryFuse(IReadOnlyList<Module> next)
    {
        if (next.Count >= 2 && next[0] is ReLU && IsMaxPool2x2(next[1])) return new LayerFusion(2, ForwardReluMaxPool2x2);
        if (next.Count >= 1 && next[0] is ReLU) return new LayerFusion(1, ForwardRelu);
        if (next.Count == 0 || next[0] is not BatchNorm2d bn || bn.NumFeatures != OutChannels) return null;
        // Served (prepared) models only: the batch normalization folds into the weights; otherwise the layers run one by one.
        if (next.Count >= 3 && next[1] is ReLU && IsMaxPool2x2(next[2])) return new LayerFusion(3, x => ForwardFolded(x, bn, FoldedTail.ReluMaxPool2x2));
        return next.Count >= 2 && next[1] is ReLU
            ? new LayerFusion(2, x => ForwardFolded(x, bn, FoldedTail.Relu))
            : new LayerFusion(1, x => ForwardFolded(x, bn, FoldedTail.None));
    }

    private static bool IsMaxPool2x2(Module m) => m is MaxPool2d { KernelSize: 2, Stride: 2, Options.Padding: 0 };

    private enum FoldedTail { None, Relu, ReluMaxPool2x2 }

    private readonly FoldedBatchNorm _folded = new();

    /// <summary>
    /// This convolution with the BatchNorm2d after it folded into its weights (and a ReLU, or ReLU and 2x2 max pooling, after
    /// that), where the weights and statistics are read-only (a prepared model in eval mode); null otherwise.
    /// </summary>
    // x: (N,C,H,W) → (N,O,OH,OW), or (N,O,OH/2,OW/2) with pooling
    private Tensor? ForwardFolded(Tensor x, BatchNorm2d bn, FoldedTail tail)
    {
        if (IsTraining || _folded.Get(_weight.Value, _bias?.Value, bn) is not { } folded) return null;
        Validate(x);
        var (w, b) = folded;
        var o = Options;
        if (tail == FoldedTail.ReluMaxPool2x2)
            return PoolsEvenly(x) ? x.Conv2dReluMaxPool2d(w, b, o.Stride, o.Stride, o.Padding, o.Padding, o.Dilation, o.Dilation, o.Groups) : null;
        return tail == FoldedTail.Relu
            ? x.Conv2dRelu(w, b, o.Stride, o.Stride, o.Padding, o.Padding, o.Dilation, o.Dilation, o.Groups)
            : x.Conv2d(w, b, o.Stride, o.Stride, o.Padding, o.Padding, o.Dilation, o.Dilation, o.Groups);
    }

    // x: (N,C,H,W) → (N,O,OH,OW), ReLU(this(x))
    private Tensor ForwardRelu(Tensor x)
    {
        Validate(x);
        var o = Options;
        return x.Conv2dRelu(_weight.Value, _bias?.Value, o.Stride, o.Stride, o.Padding, o.Padding, o.Dilation, o.Dilation, o.Groups);
    }

    /// <summary>
    /// MaxPool2d(2)(ReLU(this(x))) in one pass (Tensor.Conv2dReluMaxPool2d) where the output has an even height and width
    /// of at least 2; null otherwise, and the caller runs the layers one by one.
    /// </summary>
    // x: (N,C,H,W) → (N,O,OH/2,OW/2)
    internal Tensor? ForwardReluMaxPool2x2(Tensor x)
    {
        Validate(x);
        if (!PoolsEvenly(x)) return null;
        var o = Options;
        return x.Conv2dReluMaxPool2d(_weight.Value, _bias?.Value, o.Stride, o.Stride, o.Padding, o.Padding, o.Dilation, o.Dilation, o.Groups);
    }

    // Whether this convolution's output of x has an even height and width of at least 2, as the fused 2x2 pooling needs.
    private bool PoolsEvenly(Tensor x)
    {
        var o = Options;
        int reach = o.Dilation * (KernelSize - 1) + 1;
        int oh = (x.Shape[2] + 2 * o.Padding - reach) / o.Stride + 1, ow = (x.Shape[3] + 2 * o.Padding - reach) / o.Stride + 1;
        return oh >= 2 && ow >= 2 && oh % 2 == 0 && ow % 2 == 0;
    }

    private void Validate(Tensor x)
    {
        LayerDefaults.ExpectNchw(x, "Conv2d", "in_channels", InChannels);
        var o = Options;
        int reach = o.Dilation * (KernelSize - 1) + 1;
        if (x.Shape[2] + 2 * o.Padding < reach || x.Shape[3] + 2 * o.Padding < reach)
            throw new ArgumentException(
                $"Conv2d(kernel_size={KernelSize}, padding={o.Padding}, dilation={o.Dilation}) needs H and W of at least {reach - 2 * o.Padding}, got input {x.Shape}.");
    }

    public JsonObject GetConfig() => Config(InChannels, OutChannels, KernelSize, Options);

    /// <summary>model.json's options of a 2-D convolution (torch.nn.Conv2d's argument names), shared by its int8 twin.</summary>
    internal static JsonObject Config(int inChannels, int outChannels, int kernelSize, Conv2dOptions o) => new()
    {
        ["in_channels"] = inChannels,
        ["out_channels"] = outChannels,
        ["kernel_size"] = kernelSize,
        ["stride"] = o.Stride,
        ["padding"] = o.Padding,
        ["dilation"] = o.Dilation,
        ["groups"] = o.Groups,
        ["bias"] = o.Bias,
    };

    public override string ToString() =>
        $"Conv2d({InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Options.Stride}, padding={Options.Padding})";

    PlannedLayer IPlannableLayer.Plan(Shape input, IReadOnlyList<Module> next, out int absorbed)
    {
        absorbed = 0;
        return new PlannedConv2d(this, input);
    }
}
