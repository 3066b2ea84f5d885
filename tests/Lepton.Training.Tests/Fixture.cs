using System.Text.Json;

namespace Lepton.Training.Tests;

/// <summary>Reads the JSON fixtures written by tools/fixtures/training_optimizers.py.</summary>
internal static class Fixture
{
    private static readonly Lazy<JsonElement> Optimizers = new(() => Load("training_optimizers.json"));

    public static JsonElement Root => Optimizers.Value;

    public static JsonElement Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    public static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public static double Get(JsonElement e, string name, double fallback) =>
        e.TryGetProperty(name, out var v) ? v.GetDouble() : fallback;

    /// <summary>Asserts |actual - expected| ≤ rel·|expected| + abs element by element, naming the first mismatch.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double rel, double abs, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = rel * Math.Abs(expected[i]) + abs;
            if (!(Math.Abs(actual[i] - expected[i]) <= tol))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tol:G3}).");
        }
    }
}
