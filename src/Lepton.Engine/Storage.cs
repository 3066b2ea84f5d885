namespace Lepton.Engine;

/// <summary>The flat buffer behind one or more tensor views.</summary>
public sealed class Storage
{
    internal Storage(Array data, DType dtype)
    {
        Data = data;
        DType = dtype;
    }

    internal Array Data { get; }

    public DType DType { get; }

    public int Length => Data.Length;

    public static Storage Allocate(DType dtype, int length, bool zeroed = true) => dtype switch
    {
        DType.Float32 => new(zeroed ? new float[length] : GC.AllocateUninitializedArray<float>(length), dtype),
        DType.Float64 => new(zeroed ? new double[length] : GC.AllocateUninitializedArray<double>(length), dtype),
        DType.Int32 => new(zeroed ? new int[length] : GC.AllocateUninitializedArray<int>(length), dtype),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    public T[] As<T>() where T : unmanaged => Data as T[]
        ?? throw new InvalidOperationException($"Storage holds {DType}, not {typeof(T).Name}.");
}
