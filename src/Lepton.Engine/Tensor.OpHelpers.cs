using System.Numerics;
using Lepton.Engine.Autograd;

namespace Lepton.Engine;

// Plumbing shared by the kernel-backed ops (conv, pooling, softmax, indexing, dropout).
public sealed partial class Tensor
{
    /// <summary>A row-major view of the same values (this tensor when already dense), made without recording autograd.</summary>
    internal Tensor DenseData()
    {
        if (IsContiguous) return this;
        using var _ = new NoGrad();
        return Contiguous();
    }

    /// <summary>Like <see cref="DenseData"/>, but also starting at index 0 of its storage.</summary>
    internal Tensor DenseAtZero()
    {
        var d = DenseData();
        return d.Offset == 0 ? d : d.Clone();
    }

    /// <summary>The elements of a dense tensor as an array (which may hold more; start at <see cref="Offset"/>).</summary>
    internal T[] Data<T>() where T : unmanaged => Storage.As<T>();

    /// <summary>Wraps a freshly computed array as a leaf tensor.</summary>
    internal static Tensor FromData<T>(T[] data, Shape shape) where T : unmanaged, IFloatingPointIeee754<T> =>
        new(new Storage(data, DTypeInfo.Of<T>()), shape);

    private void RequireFloat(string op)
    {
        if (!DType.IsFloat())
            throw new ArgumentException($"{op} needs a Float32 or Float64 tensor, got {DType} of shape {Shape}; convert with To(DType.Float32).");
    }

    private void RequireRank4(string op)
    {
        if (Rank != 4)
            throw new ArgumentException($"{op} expected input (N,C,H,W), got {Shape}. For a single image add the batch axis with Unsqueeze(0).");
    }
}
