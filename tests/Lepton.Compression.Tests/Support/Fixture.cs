using System.Text.Json;

namespace Lepton.Compression.Tests.Support;

/// <summary>Reads the JSON fixtures under Fixtures/ (each names the tools/fixtures script that wrote it).</summary>
internal static class Fixture
{
    public static JsonElement Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

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
