namespace Lepton.Engine;

/// <summary>
/// Element type of a tensor. Float32 trains and infers, Float64 serves gradient checks and references, Int32 holds
/// indices; Int8, UInt8, Int64, Float16 and BFloat16 are storage types (weights, token ids, quantized data) that
/// convert with <see cref="Tensor.To"/> but that arithmetic refuses. Values are appended, never renumbered.
/// </summary>
public enum DType
{
    Float32,
    Float64,
    Int32,
    Int8,
    UInt8,
    Int64,
    Float16,
    BFloat16,
}

/// <summary>Helpers over <see cref="DType"/>.</summary>
public static class DTypeInfo
{
    /// <summary>Every dtype, in enum order.</summary>
    public static IReadOnlyList<DType> All { get; } = Array.AsReadOnly(Enum.GetValues<DType>());

    public static int SizeOf(this DType d) => d switch
    {
        DType.Float64 or DType.Int64 => 8,
        DType.Float32 or DType.Int32 => 4,
        DType.Float16 or DType.BFloat16 => 2,
        DType.Int8 or DType.UInt8 => 1,
        _ => throw Unknown(d),
    };

    /// <summary>
    /// True for the dtypes ops compute, train and differentiate in: Float32 and Float64. Float16 and BFloat16
    /// are floating point (<see cref="IsFloatingPoint"/>) but storage only, so IsFloat is false for them.
    /// </summary>
    public static bool IsFloat(this DType d) => d is DType.Float32 or DType.Float64;

    /// <summary>True for every floating-point dtype: Float16, BFloat16, Float32, Float64.</summary>
    public static bool IsFloatingPoint(this DType d) => d is DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16;

    /// <summary>True for every integer dtype: Int8, UInt8, Int32, Int64.</summary>
    public static bool IsInteger(this DType d) => d is DType.Int8 or DType.UInt8 or DType.Int32 or DType.Int64;

    /// <summary>The dtype's name in a safetensors header (F32, BF16, I64, U8, ...).</summary>
    public static string SafetensorsName(this DType d) => d switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Int32 => "I32",
        DType.Int8 => "I8",
        DType.UInt8 => "U8",
        DType.Int64 => "I64",
        DType.Float16 => "F16",
        DType.BFloat16 => "BF16",
        _ => throw Unknown(d),
    };

    /// <summary>The dtype a safetensors header names, or null for one Lepton does not hold (BOOL, F8_E4M3, U16, ...).</summary>
    public static DType? FromSafetensorsName(string name) => name switch
    {
        "F32" => DType.Float32,
        "F64" => DType.Float64,
        "I32" => DType.Int32,
        "I8" => DType.Int8,
        "U8" => DType.UInt8,
        "I64" => DType.Int64,
        "F16" => DType.Float16,
        "BF16" => DType.BFloat16,
        _ => null,
    };

    public static Type ClrType(this DType d) => d switch
    {
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        DType.Int32 => typeof(int),
        DType.Int8 => typeof(sbyte),
        DType.UInt8 => typeof(byte),
        DType.Int64 => typeof(long),
        DType.Float16 => typeof(Half),
        DType.BFloat16 => typeof(BFloat16),
        _ => throw Unknown(d),
    };

    public static DType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.Float32
        : typeof(T) == typeof(double) ? DType.Float64
        : typeof(T) == typeof(int) ? DType.Int32
        : typeof(T) == typeof(sbyte) ? DType.Int8
        : typeof(T) == typeof(byte) ? DType.UInt8
        : typeof(T) == typeof(long) ? DType.Int64
        : typeof(T) == typeof(Half) ? DType.Float16
        : typeof(T) == typeof(BFloat16) ? DType.BFloat16
        : throw new NotSupportedException(
            $"Tensors of {typeof(T).Name} are not supported; use float, double, int, sbyte, byte, long, Half or BFloat16.");

    /// <summary>
    /// Throws, naming <paramref name="op"/>, the dtype received and the fix, unless <paramref name="d"/> is one that
    /// ops compute in (<see cref="IsFloat"/>).
    /// </summary>
    public static void RequireFloat(this DType d, string op, Shape shape)
    {
        if (d.IsFloat()) return;
        throw new ArgumentException($"{op} needs a Float32 or Float64 tensor, got {d} of shape {shape}; " +
            (d.IsFloatingPoint() ? $"{d} is a storage type here, call .To(DType.Float32) first." : "call .To(DType.Float32) first."));
    }

    private static ArgumentOutOfRangeException Unknown(DType d) =>
        new(nameof(d), d, $"Unknown DType value {(int)d}; known: {string.Join(", ", Enum.GetNames<DType>())}.");
}
