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

    public static Tensor Full(Shape shape, double value, DType dtype = DType.Float32)
    {
        var t = Empty(shape, dtype);
        switch (dtype)
        {
            case DType.Float32: t.Span<float>().Fill((float)value); break;
            case DType.Float64: t.Span<double>().Fill(value); break;
            case DType.Int32: t.Span<int>().Fill((int)value); break;
        }
        return t;
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
        var t = Empty(new Shape(n), dtype);
        for (int i = 0; i < n; i++)
        {
            double v = start + i * step;
            switch (dtype)
            {
                case DType.Float32: t.Span<float>()[i] = (float)v; break;
                case DType.Float64: t.Span<double>()[i] = v; break;
                default: t.Span<int>()[i] = (int)v; break;
            }
        }
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
            default: throw new NotSupportedException("Random fill needs a float dtype.");
        }
    }

    /// <summary>Wraps (without copying) an array as a tensor of the given shape.</summary>
    public static Tensor FromArray(float[] data, params int[] shape) => Wrap(data, DType.Float32, shape);

    public static Tensor FromArray(double[] data, params int[] shape) => Wrap(data, DType.Float64, shape);

    public static Tensor FromArray(int[] data, params int[] shape) => Wrap(data, DType.Int32, shape);

    private static Tensor Wrap(Array data, DType dtype, int[] shape)
    {
        var s = shape.Length == 0 ? new Shape(data.Length) : new Shape(shape);
        if (s.Numel != data.Length)
            throw new ArgumentException($"FromArray: {data.Length} values do not fill shape {s} ({s.Numel} elements).");
        return new Tensor(new Storage(data, dtype), s);
    }
}
