namespace Lepton.Engine;

/// <summary>Element type of a tensor. Float64 exists for gradient checks and references; Int32 for indices.</summary>
public enum DType
{
    Float32,
    Float64,
    Int32,
}

/// <summary>Helpers over <see cref="DType"/>.</summary>
public static class DTypeInfo
{
    public static int SizeOf(this DType d) => d switch { DType.Float64 => 8, _ => 4 };

    public static bool IsFloat(this DType d) => d is DType.Float32 or DType.Float64;

    public static string SafetensorsName(this DType d) => d switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Int32 => "I32",
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    public static Type ClrType(this DType d) => d switch
    {
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        DType.Int32 => typeof(int),
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    public static DType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.Float32
        : typeof(T) == typeof(double) ? DType.Float64
        : typeof(T) == typeof(int) ? DType.Int32
        : throw new NotSupportedException($"Tensors of {typeof(T).Name} are not supported; use float, double or int.");
}
