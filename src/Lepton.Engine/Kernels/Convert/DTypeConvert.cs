namespace Lepton.Engine.Kernels;

/// <summary>
/// Element conversions between every pair of dtypes, each rounding once:
/// to Float16, BFloat16, Float32 or Float64, round to nearest, ties to even (overflow gives infinity, NaN stays NaN);
/// to an integer dtype, from a float: NaN gives 0, otherwise truncate toward zero and saturate at the type's range
/// (300.7 to UInt8 is 255, -3.9 to Int8 is -3); from a wider integer: saturate (-1 to UInt8 is 0, 40000 to Int8 is 127).
/// </summary>
internal static class DTypeConvert
{
    /// <summary>Converts <paramref name="n"/> elements from src[srcOffset..] to dst[dstOffset..] (both dense).</summary>
    public static void Run(Storage src, int srcOffset, Storage dst, int dstOffset, int n)
    {
        var from = new FromAction(src, srcOffset, dst, dstOffset, n);
        DTypeSwitch.Run(src.DType, ref from);
    }

    /// <summary>One element as a double (exact except Int64 beyond 2^53; for indexing and printing).</summary>
    public static double ElementAsDouble(Storage s, int index)
    {
        var one = new Storage(new double[1], DType.Float64); // not from a TensorScope: a read must not rent
        Run(s, index, one, 0, 1);
        return one.As<double>()[0];
    }

    private struct FromAction(Storage src, int srcOffset, Storage dst, int dstOffset, int n) : IDTypeAction
    {
        public readonly void Run<S>() where S : unmanaged
        {
            var s = src.As<S>().AsSpan(srcOffset, n);
            switch (dst.DType)
            {
                case DType.Float32: Convert<S, float, F32>(s, dst.As<float>().AsSpan(dstOffset, n)); break;
                case DType.Float64: Convert<S, double, F64>(s, dst.As<double>().AsSpan(dstOffset, n)); break;
                case DType.Int32: Convert<S, int, I32>(s, dst.As<int>().AsSpan(dstOffset, n)); break;
                case DType.Int8: Convert<S, sbyte, I8>(s, dst.As<sbyte>().AsSpan(dstOffset, n)); break;
                case DType.UInt8: Convert<S, byte, U8>(s, dst.As<byte>().AsSpan(dstOffset, n)); break;
                case DType.Int64: Convert<S, long, I64>(s, dst.As<long>().AsSpan(dstOffset, n)); break;
                case DType.Float16: Convert<S, Half, F16>(s, dst.As<Half>().AsSpan(dstOffset, n)); break;
                case DType.BFloat16: Convert<S, BFloat16, BF16>(s, dst.As<BFloat16>().AsSpan(dstOffset, n)); break;
                default: throw new ArgumentOutOfRangeException(nameof(dst), dst.DType, "Unknown DType.");
            }
        }
    }

    // Integers travel as long (exact), floats as double (exact for Float16, BFloat16 and Float32), so each pair
    // rounds at most once, in the target's From*.
    private static void Convert<S, D, TD>(ReadOnlySpan<S> src, Span<D> dst)
        where S : unmanaged where D : unmanaged where TD : struct, IElement<D>
    {
        if (typeof(S) == typeof(float)) Loop<float, F32, D, TD>(Cast<S, float>(src), dst);
        else if (typeof(S) == typeof(double)) Loop<double, F64, D, TD>(Cast<S, double>(src), dst);
        else if (typeof(S) == typeof(int)) Loop<int, I32, D, TD>(Cast<S, int>(src), dst);
        else if (typeof(S) == typeof(sbyte)) Loop<sbyte, I8, D, TD>(Cast<S, sbyte>(src), dst);
        else if (typeof(S) == typeof(byte)) Loop<byte, U8, D, TD>(Cast<S, byte>(src), dst);
        else if (typeof(S) == typeof(long)) Loop<long, I64, D, TD>(Cast<S, long>(src), dst);
        else if (typeof(S) == typeof(Half)) Loop<Half, F16, D, TD>(Cast<S, Half>(src), dst);
        else if (typeof(S) == typeof(BFloat16)) Loop<BFloat16, BF16, D, TD>(Cast<S, BFloat16>(src), dst);
        else throw new NotSupportedException($"No conversion from {typeof(S).Name}.");
    }

    private static ReadOnlySpan<T> Cast<S, T>(ReadOnlySpan<S> s) where S : unmanaged where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<S, T>(s); // S == T here: the typeof checks above chose T

    private static void Loop<S, TS, D, TD>(ReadOnlySpan<S> src, Span<D> dst)
        where S : unmanaged where TS : struct, IElement<S> where D : unmanaged where TD : struct, IElement<D>
    {
        if (TS.IsInteger)
            for (int i = 0; i < src.Length; i++) dst[i] = TD.FromInt64(TS.ToInt64(src[i]));
        else
            for (int i = 0; i < src.Length; i++) dst[i] = TD.FromDouble(TS.ToDouble(src[i]));
    }

    private interface IElement<T> where T : unmanaged
    {
        static abstract bool IsInteger { get; }

        static abstract long ToInt64(T v);

        static abstract double ToDouble(T v);

        static abstract T FromInt64(long v);

        static abstract T FromDouble(double v);
    }

    // Truncates toward zero and saturates at [min, max]; NaN gives 0.
    private static long Saturate(double v, long min, long max) =>
        double.IsNaN(v) ? 0 : v <= min ? min : v >= max ? max : (long)v;

    private readonly struct F32 : IElement<float>
    {
        public static bool IsInteger => false;
        public static long ToInt64(float v) => (long)v;
        public static double ToDouble(float v) => v;
        public static float FromInt64(long v) => v; // one correctly rounded conversion
        public static float FromDouble(double v) => (float)v;
    }

    private readonly struct F64 : IElement<double>
    {
        public static bool IsInteger => false;
        public static long ToInt64(double v) => (long)v;
        public static double ToDouble(double v) => v;
        public static double FromInt64(long v) => v;
        public static double FromDouble(double v) => v;
    }

    private readonly struct F16 : IElement<Half>
    {
        public static bool IsInteger => false;
        public static long ToInt64(Half v) => (long)v;
        public static double ToDouble(Half v) => (double)v;
        // A long beyond 2^53 rounds on the way to double, but anything past 65504 is infinity in Float16 anyway.
        public static Half FromInt64(long v) => (Half)(double)v;
        public static Half FromDouble(double v) => (Half)v; // .NET rounds double to Half once, to nearest even
    }

    private readonly struct BF16 : IElement<BFloat16>
    {
        public static bool IsInteger => false;
        public static long ToInt64(BFloat16 v) => (long)(float)v;
        public static double ToDouble(BFloat16 v) => (float)v;
        public static BFloat16 FromInt64(long v) => BFloat16.FromInt64(v);
        public static BFloat16 FromDouble(double v) => (BFloat16)v;
    }

    private readonly struct I32 : IElement<int>
    {
        public static bool IsInteger => true;
        public static long ToInt64(int v) => v;
        public static double ToDouble(int v) => v;
        public static int FromInt64(long v) => (int)Math.Clamp(v, int.MinValue, int.MaxValue);
        public static int FromDouble(double v) => (int)Saturate(v, int.MinValue, int.MaxValue);
    }

    private readonly struct I8 : IElement<sbyte>
    {
        public static bool IsInteger => true;
        public static long ToInt64(sbyte v) => v;
        public static double ToDouble(sbyte v) => v;
        public static sbyte FromInt64(long v) => (sbyte)Math.Clamp(v, sbyte.MinValue, sbyte.MaxValue);
        public static sbyte FromDouble(double v) => (sbyte)Saturate(v, sbyte.MinValue, sbyte.MaxValue);
    }

    private readonly struct U8 : IElement<byte>
    {
        public static bool IsInteger => true;
        public static long ToInt64(byte v) => v;
        public static double ToDouble(byte v) => v;
        public static byte FromInt64(long v) => (byte)Math.Clamp(v, byte.MinValue, byte.MaxValue);
        public static byte FromDouble(double v) => (byte)Saturate(v, byte.MinValue, byte.MaxValue);
    }

    private readonly struct I64 : IElement<long>
    {
        public static bool IsInteger => true;
        public static long ToInt64(long v) => v;
        public static double ToDouble(long v) => v;
        public static long FromInt64(long v) => v;
        // 2^63 is the first double past long.MaxValue; comparing there keeps the cast in range.
        public static long FromDouble(double v) => double.IsNaN(v) ? 0 : v >= 9.2233720368547758e18 ? long.MaxValue : v <= long.MinValue ? long.MinValue : (long)v;
    }
}
