using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Lepton.Engine;

namespace Lepton.NN.Tests.Support;

/// <summary>Locates and reads the JSON fixtures written by tools/fixtures/nn_*.py (located next to the test sources).</summary>
internal static class Fixtures
{
    public static string Dir => Path.Combine(SourceDir(), "..", "Fixtures");

    public static string PathOf(string relative) => Path.GetFullPath(Path.Combine(Dir, relative));

    public static JsonObject Json(string relative) => (JsonObject)JsonNode.Parse(File.ReadAllText(PathOf(relative)))!;

    /// <summary>A {"shape", "data"} object as a tensor of the given dtype.</summary>
    public static Tensor Tensor(JsonNode? node, DType dtype = DType.Float32)
    {
        var shape = node!["shape"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray();
        var data = node["data"]!.AsArray().Select(x => x!.GetValue<double>()).ToArray();
        var t = Engine.Tensor.FromArray(data, data.Length).Reshape(shape);
        return t.To(dtype).Contiguous().Clone();
    }

    private static string SourceDir([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

/// <summary>Tolerance assertions that report the worst element.</summary>
internal static class Close
{
    /// <summary>|a - b| ≤ rtol·max(|b|, floor) for every element (relative, with a floor for values near 0).</summary>
    public static void Assert(Tensor expected, Tensor actual, double rtol = 1e-5, double floor = 1.0, string what = "")
    {
        Xunit.Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
        {
            double tol = rtol * Math.Max(Math.Abs(e[i]), floor);
            if (!(Math.Abs(e[i] - a[i]) <= tol))
                Xunit.Assert.Fail($"{what} element {i}: expected {e[i]:R}, got {a[i]:R} (|diff| {Math.Abs(e[i] - a[i]):E3} > {tol:E3}).");
        }
    }

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        var x = a.ToDoubleArray();
        var y = b.ToDoubleArray();
        Xunit.Assert.Equal(x.Length, y.Length);
        return x.Zip(y, (p, q) => Math.Abs(p - q)).Max();
    }
}
