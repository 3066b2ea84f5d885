using System.Runtime.CompilerServices;
using Lepton.Engine.Autograd;

namespace Lepton.Engine;

/// <summary>
/// An n-dimensional array with shape, strides and an offset into shared storage, plus the
/// autograd link (<see cref="Node"/>) that records how it was made.
/// </summary>
public sealed partial class Tensor
{
    internal Tensor(Storage storage, Shape shape, int[] strides, int offset)
    {
        Storage = storage;
        Shape = shape;
        Strides = strides;
        Offset = offset;
    }

    internal Tensor(Storage storage, Shape shape) : this(storage, shape, shape.ContiguousStrides(), 0) { }

    public Storage Storage { get; }

    public Shape Shape { get; }

    internal int[] Strides { get; }

    internal int Offset { get; }

    public DType DType => Storage.DType;

    public int Rank => Shape.Rank;

    public int Numel => Shape.Size;

    /// <summary>Optional name (parameters carry theirs) used in error messages and gradient stores.</summary>
    public string? Name { get; set; }

    /// <summary>True for leaves whose gradient is wanted and for results computed from them.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>The op that produced this tensor; null for leaves and for results computed under <see cref="NoGrad"/>.</summary>
    public GradNode? Node { get; internal set; }

    public int[] GetStrides() => (int[])Strides.Clone();

    public bool IsContiguous
    {
        get
        {
            int acc = 1;
            for (int i = Rank - 1; i >= 0; i--)
            {
                if (Shape[i] != 1 && Strides[i] != acc) return false;
                acc *= Shape[i];
            }
            return true;
        }
    }

    /// <summary>The elements of a contiguous tensor, in row-major order, without copying.</summary>
    public Span<T> Span<T>() where T : unmanaged
    {
        if (!IsContiguous)
            throw new InvalidOperationException($"Span<{typeof(T).Name}>() needs a contiguous tensor; call Contiguous() first (shape {Shape}).");
        return Storage.As<T>().AsSpan(Offset, Numel);
    }

    /// <summary>The elements in row-major order as float (copying and converting as needed).</summary>
    public float[] ToArray()
    {
        var c = Contiguous();
        return c.DType switch
        {
            DType.Float32 => c.Span<float>().ToArray(),
            DType.Float64 => Array.ConvertAll(c.Span<double>().ToArray(), v => (float)v),
            DType.Int32 => Array.ConvertAll(c.Span<int>().ToArray(), v => (float)v),
            _ => throw new InvalidOperationException(),
        };
    }

    public double[] ToDoubleArray()
    {
        var c = Contiguous();
        return c.DType switch
        {
            DType.Float32 => Array.ConvertAll(c.Span<float>().ToArray(), v => (double)v),
            DType.Float64 => c.Span<double>().ToArray(),
            DType.Int32 => Array.ConvertAll(c.Span<int>().ToArray(), v => (double)v),
            _ => throw new InvalidOperationException(),
        };
    }

    public int[] ToIntArray()
    {
        var c = Contiguous();
        return c.DType switch
        {
            DType.Int32 => c.Span<int>().ToArray(),
            DType.Float32 => Array.ConvertAll(c.Span<float>().ToArray(), v => (int)v),
            DType.Float64 => Array.ConvertAll(c.Span<double>().ToArray(), v => (int)v),
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Numel != 1) throw new InvalidOperationException($"Item() needs a tensor with one element, got shape {Shape}.");
        return ToArray()[0];
    }

    /// <summary>Converts to another dtype (a copy; gradients flow between float types).</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var src = Contiguous();
        var st = Storage.Allocate(dtype, Numel, zeroed: false);
        switch (dtype)
        {
            case DType.Float32: src.ToArray().CopyTo(st.As<float>(), 0); break;
            case DType.Float64: src.ToDoubleArray().CopyTo(st.As<double>(), 0); break;
            case DType.Int32: src.ToIntArray().CopyTo(st.As<int>(), 0); break;
        }
        var r = new Tensor(st, Shape);
        if (dtype.IsFloat() && DType.IsFloat())
        {
            var from = DType;
            Autograd.Tape.Record(r, "to", [this], g => [g.To(from)]);
        }
        return r;
    }

    /// <summary>A copy that does not track gradients and shares nothing with this tensor.</summary>
    public Tensor Clone()
    {
        var c = Contiguous();
        var st = Storage.Allocate(DType, Numel, zeroed: false);
        Array.Copy(c.Storage.Data, c.Offset, st.Data, 0, Numel);
        return new Tensor(st, Shape);
    }

    /// <summary>The same data, cut off from the autograd graph.</summary>
    public Tensor Detach() => new(Storage, Shape, Strides, Offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int OffsetOf(ReadOnlySpan<int> index)
    {
        int o = Offset;
        for (int i = 0; i < index.Length; i++) o += index[i] * Strides[i];
        return o;
    }

    /// <summary>Reads one element as double (slow; for tests and printing).</summary>
    [IndexerName("Element")]
    public double this[params int[] index]
    {
        get
        {
            if (index.Length != Rank) throw new ArgumentException($"Index of rank {index.Length} for a tensor of shape {Shape}.");
            for (int i = 0; i < index.Length; i++)
                if ((uint)index[i] >= (uint)Shape[i])
                    throw new IndexOutOfRangeException($"Index {Shape.Format(index)} is out of range for shape {Shape}.");
            int o = OffsetOf(index);
            return DType switch
            {
                DType.Float32 => Storage.As<float>()[o],
                DType.Float64 => Storage.As<double>()[o],
                _ => Storage.As<int>()[o],
            };
        }
    }

    public override string ToString()
    {
        var vals = ToArray();
        var shown = string.Join(", ", vals.Take(8).Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)));
        return $"Tensor{Shape} {DType}{(RequiresGrad ? " grad" : "")} [{shown}{(vals.Length > 8 ? ", ..." : "")}]";
    }
}
