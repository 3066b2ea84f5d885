using Lepton.Engine.Memory;

namespace Lepton.Engine;

/// <summary>The flat buffer behind one or more tensor views.</summary>
public sealed class Storage
{
    private Array _data;

    internal Storage(Array data, DType dtype)
    {
        _data = data;
        DType = dtype;
    }

    /// <summary>The elements; throws once the <see cref="TensorScope"/> that lent them has ended.</summary>
    internal Array Data => Released
        ? throw new ObjectDisposedException(nameof(Storage),
            "This tensor's memory went back to its TensorPool when the TensorScope that created it ended. " +
            "Read the values (ToArray()) before the scope ends, or make the tensor under TensorScope.Suspend() so it is not pooled.")
        : _data;

    public DType DType { get; }

    public int Length => _data.Length;

    /// <summary>True once the buffer was returned to a <see cref="TensorPool"/> (the tensor can no longer be read).</summary>
    public bool Released { get; private set; }

    /// <summary>A buffer of <paramref name="length"/> elements: from the current thread's <see cref="TensorScope"/> when one is open, else a new array.</summary>
    public static Storage Allocate(DType dtype, int length, bool zeroed = true) =>
        ScopeFrame.Current is { } scope ? scope.Rent(dtype, length, zeroed) : new(NewArray(dtype, length, zeroed), dtype);

    internal static Array NewArray(DType dtype, int length, bool zeroed) => dtype switch
    {
        DType.Float32 => zeroed ? new float[length] : GC.AllocateUninitializedArray<float>(length),
        DType.Float64 => zeroed ? new double[length] : GC.AllocateUninitializedArray<double>(length),
        DType.Int32 => zeroed ? new int[length] : GC.AllocateUninitializedArray<int>(length),
        DType.Int8 => zeroed ? new sbyte[length] : GC.AllocateUninitializedArray<sbyte>(length),
        DType.UInt8 => zeroed ? new byte[length] : GC.AllocateUninitializedArray<byte>(length),
        DType.Int64 => zeroed ? new long[length] : GC.AllocateUninitializedArray<long>(length),
        DType.Float16 => zeroed ? new Half[length] : GC.AllocateUninitializedArray<Half>(length),
        DType.BFloat16 => zeroed ? new BFloat16[length] : GC.AllocateUninitializedArray<BFloat16>(length),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Unknown DType value {(int)dtype}."),
    };

    // Called by the scope that lent the array, after which no view of this storage may read it.
    internal Array Release()
    {
        Released = true;
        var data = _data;
        _data = Array.Empty<byte>();
        return data;
    }

    /// <summary>
    /// True once <see cref="MakeReadOnly"/> was called: the values are final (the weights of a model prepared for
    /// inference), so kernels may cache derived forms of them, such as packed GEMM panels.
    /// </summary>
    public bool IsReadOnly { get; private set; }

    /// <summary>Promises that the values will not change again; in-place writers (CopyFrom, optimizers) then refuse this storage.</summary>
    public void MakeReadOnly()
    {
        _ = Data; // a released buffer cannot be promised anything
        IsReadOnly = true;
    }

    private object? _derived;

    // One derived form of a read-only storage (the packed kernel panels of a served weight), built on first use and
    // rebuilt when asked for under another key (another view or kernel). build is static: a cache hit allocates nothing.
    internal TValue Derived<TKey, TValue, TState>(TKey key, TState state, Func<TKey, TState, TValue> build)
        where TKey : struct, IEquatable<TKey> where TValue : class
    {
        if (_derived is DerivedForm<TKey, TValue> form && form.Key.Equals(key)) return form.Value;
        var value = build(key, state);
        _derived = new DerivedForm<TKey, TValue>(key, value);
        return value;
    }

    private sealed record DerivedForm<TKey, TValue>(TKey Key, TValue Value);

    /// <summary>Throws, naming <paramref name="operation"/> and the fix, when the storage is read-only; in-place writers call it first.</summary>
    public void ThrowIfReadOnly(string operation)
    {
        if (IsReadOnly)
            throw new InvalidOperationException($"{operation}: this tensor's storage is read-only (its module was prepared for inference, " +
                "and kernels cache packed copies of it). Load a fresh copy of the model to change or train its weights.");
    }

    public T[] As<T>() where T : unmanaged => Data as T[]
        ?? throw new InvalidOperationException($"Storage holds {DType}, not {typeof(T).Name}.");
}
