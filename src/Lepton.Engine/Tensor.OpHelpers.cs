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

    /// <summary>A buffer for an op's result, from the thread's open TensorScope when there is one; wrap it with <paramref name="storage"/>.</summary>
    internal static T[] NewBuffer<T>(int length, bool zeroed, out Storage storage) where T : unmanaged
    {
        storage = Storage.Allocate(DTypeInfo.Of<T>(), length, zeroed);
        return storage.As<T>();
    }

    private void RequireFloat(string op) => DType.RequireFloat(op, Shape);

    private void RequireRank4(string op)
    {
        if (Rank != 4)
            throw new ArgumentException($"{op} expected input (N,C,H,W), got {Shape}. For a single image add the batch axis with Unsqueeze(0).");
    }
}
