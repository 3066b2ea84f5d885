using System.Runtime.Intrinsics;

namespace Lepton.Data.Profiles;

/// <summary>Summary statistics of one example's raw input values: what the prediction log records and drift is measured on.</summary>
public readonly record struct ExampleStatistics(double Mean, double Std, double Min, double Max)
{
    /// <summary>The statistic names, as the prediction log's input statistics JSON and <see cref="ReferenceProfile"/> key them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mean", "std", "min", "max"];

    /// <summary>The statistic called <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    public double this[string name] => name switch
    {
        "mean" => Mean,
        "std" => Std,
        "min" => Min,
        "max" => Max,
        _ => throw new ArgumentException($"Unknown input statistic '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Mean, population standard deviation, minimum and maximum of the values (all 0 for none).</summary>
    public static ExampleStatistics Of(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return new ExampleStatistics(0, 0, 0, 0);
        if (!Vector256.IsHardwareAccelerated || values.Length < 2 * Vector256<float>.Count) return OfReference(values);
        // Logged for every served example: eight lanes of sums instead of one dependent chain of additions (products of
        // two floats are exact in double, so only the order of the additions differs from the reference).
        var sumLo = Vector256<double>.Zero; var sumHi = sumLo; var sqLo = sumLo; var sqHi = sumLo;
        var min = Vector256.Create(float.PositiveInfinity); var max = Vector256.Create(float.NegativeInfinity);
        int i = 0;
        for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var v = Vector256.Create(values.Slice(i, Vector256<float>.Count));
            var (lo, hi) = Vector256.Widen(v);
            sumLo += lo;
            sumHi += hi;
            sqLo += lo * lo;
            sqHi += hi * hi;
            min = Vector256.Min(min, v);
            max = Vector256.Max(max, v);
        }
        double sum = Vector256.Sum(sumLo + sumHi), sumSq = Vector256.Sum(sqLo + sqHi);
        double lowest = Fold(min, Math.Min), highest = Fold(max, Math.Max);
        for (; i < values.Length; i++)
        {
            float v = values[i];
            sum += v;
            sumSq += (double)v * v;
            lowest = Math.Min(lowest, v);
            highest = Math.Max(highest, v);
        }
        return FromSums(values.Length, sum, sumSq, lowest, highest);
    }

    /// <summary>The plain loop <see cref="Of"/> is held to (ExampleStatisticsTests).</summary>
    internal static ExampleStatistics OfReference(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return new ExampleStatistics(0, 0, 0, 0);
        double sum = 0, sumSq = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (float v in values)
        {
            sum += v;
            sumSq += (double)v * v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return FromSums(values.Length, sum, sumSq, min, max);
    }

    private static ExampleStatistics FromSums(int count, double sum, double sumSq, double min, double max)
    {
        double mean = sum / count;
        return new ExampleStatistics(mean, Math.Sqrt(Math.Max(0, sumSq / count - mean * mean)), min, max);
    }

    private static double Fold(Vector256<float> lanes, Func<double, double, double> pick)
    {
        double r = lanes[0];
        for (int k = 1; k < Vector256<float>.Count; k++) r = pick(r, lanes[k]);
        return r;
    }
}
