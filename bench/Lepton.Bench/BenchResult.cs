using System.Text.Json;

namespace Lepton.Bench;

/// <summary>One machine-readable result line, <c>RESULT {json}</c>, that bench/compare.sh reads (the PyTorch side prints the same keys).</summary>
public static class BenchResult
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes <paramref name="result"/> (an anonymous object; property names become snake_case keys).</summary>
    public static void Print(object result) => Console.WriteLine("RESULT " + JsonSerializer.Serialize(result, Options));

    /// <summary>The value at fraction <paramref name="q"/> (0..1) of sorted samples, nearest rank.</summary>
    public static double Quantile(double[] sorted, double q) =>
        sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
