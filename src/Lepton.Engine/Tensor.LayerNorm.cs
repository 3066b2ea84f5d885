using System.Numerics;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels.Normalization;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Layer normalization over the trailing <paramref name="normalizedDims"/> axes (torch.nn.functional.layer_norm):
    /// biased variance, then an optional elementwise weight and bias shaped like those axes. One fused op with its own
    /// backward instead of a dozen elementwise ops.
    /// </summary>
    public Tensor LayerNorm(int normalizedDims, Tensor? weight, Tensor? bias, double eps = 1e-5)
    {
        RequireFloat("LayerNorm");
        if (normalizedDims < 1 || normalizedDims > Rank)
            throw new ArgumentException($"LayerNorm: cannot normalize the last {normalizedDims} axes of a tensor of shape {Shape}.");
        int d = 1;
        for (int i = Rank - normalizedDims; i < Rank; i++) d *= Shape[i];
        foreach (var (name, p) in new[] { ("weight", weight), ("bias", bias) })
            if (p is not null && (p.Numel != d || p.DType != DType))
                throw new ArgumentException($"LayerNorm: {name} must be {DType} with the {d} elements of the normalized axes {Shape}, got {p.DType} {p.Shape}.");
        int rows = d == 0 ? 0 : Numel / d;
        var (y, backward) = DType == DType.Float32
            ? LayerNormOp<float>(this, rows, d, weight, bias, eps)
            : LayerNormOp<double>(this, rows, d, weight, bias, eps);
        var inputs = new List<Tensor> { this };
        if (weight is not null) inputs.Add(weight);
        if (bias is not null) inputs.Add(bias);
        return Tape.Record(y, "layer_norm", [.. inputs], backward);
    }

    private static (Tensor Y, Func<Tensor, Tensor?[]> Backward) LayerNormOp<T>(Tensor x, int rows, int d, Tensor? weight, Tensor? bias, double eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xd = x.DenseData();
        var w = weight is null ? null : DenseArray<T>(weight);
        var b = bias is null ? null : DenseArray<T>(bias);
        var y = Empty(x.Shape, x.DType);
        var mean = new T[rows];
        var rstd = new T[rows];
        LayerNormKernels.Forward(xd.Data<T>(), xd.Offset, rows, d, w, b, T.CreateChecked(eps), y.Data<T>(), mean, rstd);
        return (y, gy =>
        {
            var g = gy.DenseData();
            var gx = Empty(x.Shape, x.DType);
            bool needW = weight?.RequiresGrad ?? false, needB = bias?.RequiresGrad ?? false;
            var gw = needW ? new T[d] : null;
            var gb = needB ? new T[d] : null;
            LayerNormKernels.Backward(xd.Data<T>(), xd.Offset, g.Data<T>(), g.Offset, rows, d, w, mean, rstd, gx.Data<T>(), gw, gb,
                needW ? new T[rows * d] : null);
            var grads = new List<Tensor?> { gx };
            if (weight is not null) grads.Add(gw is null ? null : WrapArray(gw, weight.Shape));
            if (bias is not null) grads.Add(gb is null ? null : WrapArray(gb, bias.Shape));
            return [.. grads];
        });
    }
}
