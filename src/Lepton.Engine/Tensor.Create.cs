using Lepton.Engine.Kernels;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    public static Tensor Empty(Shape shape, DType dtype = DType.Float32) =>
        new(Storage.Allocate(dtype, shape.Size, zeroed: false), shape);

    public static Tensor Zeros(Shape shape, DType dtype = DType.Float32) =>
        new(Storage.Allocate(dtype, shape.Size), shape);

    public static Tensor Zeros(params int[] shape) => Zeros(new Shape(shape));

    public static Tensor Ones(Shape shape, DType dtype = DType.Float32) => Full(shape, 1.0, dtype);

    public static Tensor Ones(params int[] shape) => Ones(new Shape(shape));

    /// <summary>Every element <paramref name="value"/>, converted to <paramref name="dtype"/> as <see cref="To"/> converts.</summary>
    public static Tensor Full(Shape shape, double value, DType dtype = DType.Float32)
    {
        var t = Empty(shape, dtype);
        if (t.Numel == 0) return t;
        // Convert once into the first element, then repeat it.
        DTypeConvert.Run(new Storage(new[] { value }, DType.Float64), 0, t.Storage, 0, 1);
        var fill = new FillAction(t.Storage, t.Numel);
        DTypeSwitch.Run(dtype, ref fill);
        return t;
    }

    private readonly struct FillAction(Storage storage, int length) : IDTypeAction
    {
        public void Run<T>() where T : unmanaged
        {
            var s = storage.As<T>().AsSpan(0, length);
            s[1..].Fill(s[0]);
        }
    }

    public static Tensor ZerosLike(Tensor t) => Zeros(t.Shape, t.DType);

    public static Tensor OnesLike(Tensor t) => Ones(t.Shape, t.DType);

    /// <summary>A 0-d tensor holding one value.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full(Shape.Scalar, value, dtype);

    /// <summary>Values start, start+step, ... below end (like torch.arange).</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32)
    {
        if (step == 0) throw new ArgumentException("Arange step must not be 0.");
        int n = Math.Max(0, (int)Math.Ceiling((end - start) / step));
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = start + i * step;
        if (dtype == DType.Float64) return FromArray(values);
        var t = Empty(new Shape(n), dtype);
        DTypeConvert.Run(new Storage(values, DType.Float64), 0, t.Storage, 0, n);
        return t;
    }

    public static Tensor Arange(int end) => Arange(0, end);

    /// <summary>Uniform in [low, high).</summary>
    public static Tensor Rand(Shape shape, Generator rng, double low = 0, double high = 1, DType dtype = DType.Float32)
    {
        var t = Empty(shape, dtype);
        Fill(t, () => low + (high - low) * rng.NextDouble());
        return t;
    }

    /// <summary>Normal with the given mean and standard deviation.</summary>
    public static Tensor Randn(Shape shape, Generator rng, double mean = 0, double std = 1, DType dtype = DType.Float32)
    {
        var t = Empty(shape, dtype);
        Fill(t, () => mean + std * rng.NextGaussian());
        return t;
    }

    private static void Fill(Tensor t, Func<double> next)
    {
        switch (t.DType)
        {
            case DType.Float32: { var s = t.Span<float>(); for (int i = 0; i < s.Length; i++) s[i] = (float)next(); break; }
            case DType.Float64: { var s = t.Span<double>(); for (int i = 0; i < s.Length; i++) s[i] = next(); break; }
            default: throw new ArgumentException($"Rand/Randn draw Float32 or Float64 values, got dtype {t.DType}; draw Float32 and call .To(DType.{t.DType}).");
        }
    }

    /// <summary>Wraps (without copying) an array as a tensor of the given shape.</summary>
    public static Tensor FromArray(float[] data, params int[] shape) => Wrap(data, DType.Float32, shape);

    public static Tensor FromArray(double[] data, params int[] shape) => Wrap(data, DType.Float64, shape);

    public static Tensor FromArray(int[] data, params int[] shape) => Wrap(data, DType.Int32, shape);

    public static Tensor FromArray(sbyte[] data, params int[] shape) => Wrap(data, DType.Int8, shape);

    public static Tensor FromArray(byte[] data, params int[] shape) => Wrap(data, DType.UInt8, shape);

    public static Tensor FromArray(long[] data, params int[] shape) => Wrap(data, DType.Int64, shape);

    public static Tensor FromArray(Half[] data, params int[] shape) => Wrap(data, DType.Float16, shape);

    public static Tensor FromArray(BFloat16[] data, params int[] shape) => Wrap(data, DType.BFloat16, shape);

    private static Tensor Wrap(Array data, DType dtype, int[] shape)
    {
        var s = shape.Length == 0 ? new Shape(data.Length) : new Shape(shape);
        if (s.Numel != data.Length)
            throw new ArgumentException($"FromArray: {data.Length} values do not fill shape {s} ({s.Numel} elements).");
        return new Tensor(new Storage(data, dtype), s);
    }
}
