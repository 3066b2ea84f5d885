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
        double sum = 0, sumSq = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (float v in values)
        {
            sum += v;
            sumSq += (double)v * v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        double mean = sum / values.Length;
        return new ExampleStatistics(mean, Math.Sqrt(Math.Max(0, sumSq / values.Length - mean * mean)), min, max);
    }
}
