using System.Runtime.CompilerServices;
using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

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

    /// <summary>The elements in row-major order as float (copying and converting as <see cref="To"/> does).</summary>
    public float[] ToArray() => ConvertedArray<float>(DType.Float32);

    /// <summary>The elements in row-major order as double (copying and converting as <see cref="To"/> does).</summary>
    public double[] ToDoubleArray() => ConvertedArray<double>(DType.Float64);

    /// <summary>The elements in row-major order as int (floats truncate toward zero and saturate, as <see cref="To"/>).</summary>
    public int[] ToIntArray() => ConvertedArray<int>(DType.Int32);

    /// <summary>A copy of the elements in row-major order, in this tensor's own element type (long[] for Int64, Half[] for Float16, ...).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var want = DTypeInfo.Of<T>();
        if (want != DType)
            throw new InvalidOperationException($"ToArray<{typeof(T).Name}>() reads a {want} tensor, but this one is {DType} {Shape}; " +
                $"call ToArray<{DType.ClrType().Name}>(), or .To(DType.{want}) first to convert.");
        return Contiguous().Span<T>().ToArray();
    }

    private T[] ConvertedArray<T>(DType dtype) where T : unmanaged
    {
        var c = Contiguous();
        if (c.DType == dtype) return c.Span<T>().ToArray();
        var r = new T[c.Numel];
        DTypeConvert.Run(c.Storage, c.Offset, new Storage(r, dtype), 0, c.Numel);
        return r;
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Numel != 1) throw new InvalidOperationException($"Item() needs a tensor with one element, got shape {Shape}.");
        return ToArray()[0];
    }

    /// <summary>
    /// Converts to another dtype (a copy; this tensor itself when already of that dtype). To a float dtype values
    /// round to nearest, ties to even (overflow gives infinity); to an integer dtype floats truncate toward zero,
    /// NaN gives 0, and every value saturates at the type's range (300 to UInt8 is 255, -1 is 0). Gradients flow
    /// between Float32 and Float64.
    /// </summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var src = DenseData();
        var st = Storage.Allocate(dtype, Numel, zeroed: false);
        DTypeConvert.Run(src.Storage, src.Offset, st, 0, Numel);
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
                DType.Int32 => Storage.As<int>()[o],
                _ => DTypeConvert.ElementAsDouble(Storage, o),
            };
        }
    }

    public override string ToString()
    {
        var vals = ToDoubleArray(); // exact for every dtype but Int64 beyond 2^53
        var shown = string.Join(", ", vals.Take(8).Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)));
        return $"Tensor{Shape} {DType}{(RequiresGrad ? " grad" : "")} [{shown}{(vals.Length > 8 ? ", ..." : "")}]";
    }
}
