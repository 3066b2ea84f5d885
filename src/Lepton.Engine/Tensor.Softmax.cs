using System.Numerics;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    /// <summary>Softmax along an axis (numerically stable).</summary>
    public Tensor Softmax(int axis = -1) => SoftmaxOp(axis, log: false);

    /// <summary>Log-softmax along an axis (numerically stable).</summary>
    public Tensor LogSoftmax(int axis = -1) => SoftmaxOp(axis, log: true);

    // A fused kernel with its own backward, rather than exp/sum/div, for speed and stability.
    private Tensor SoftmaxOp(int axis, bool log)
    {
        string op = log ? "LogSoftmax" : "Softmax";
        RequireFloat(op);
        if (Rank == 0)
        {
            if (axis is not (0 or -1)) throw new ArgumentOutOfRangeException(nameof(axis), $"{op}: axis {axis} is out of range for a 0-d tensor (use 0 or -1).");
            return Reshape(1).SoftmaxOp(0, log).Reshape();
        }
        int a = Shape.Normalize(axis);
        int outer = 1, inner = 1, len = Shape[a];
        for (int i = 0; i < a; i++) outer *= Shape[i];
        for (int i = a + 1; i < Rank; i++) inner *= Shape[i];
        var x = DenseData();
        var y = DType == DType.Float32
            ? SoftmaxForward<float>(x, outer, len, inner, log)
            : SoftmaxForward<double>(x, outer, len, inner, log);
        return Tape.Record(y, log ? "log_softmax" : "softmax", [this], gy => [DType == DType.Float32
            ? SoftmaxBackward<float>(y, gy.DenseData(), outer, len, inner, log)
            : SoftmaxBackward<double>(y, gy.DenseData(), outer, len, inner, log)]);
    }

    private static Tensor SoftmaxForward<T>(Tensor x, int outer, int len, int inner, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = NewBuffer<T>(x.Numel, zeroed: false, out var yStorage);
        SoftmaxKernels.Forward(x.Data<T>(), x.Offset, outer, len, inner, y, log);
        return new Tensor(yStorage, x.Shape);
    }

    private static Tensor SoftmaxBackward<T>(Tensor y, Tensor gy, int outer, int len, int inner, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gx = NewBuffer<T>(y.Numel, zeroed: false, out var gxStorage);
        SoftmaxKernels.Backward(y.Data<T>(), gy.Data<T>(), gy.Offset, outer, len, inner, gx, log);
        return new Tensor(gxStorage, y.Shape);
    }
}
