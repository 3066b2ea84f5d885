using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Lepton.Engine;

namespace Lepton.Compression.Tests.Support;

/// <summary>Reads the JSON fixtures written by tools/fixtures/*.py into tests/Lepton.Compression.Tests/Fixtures.</summary>
internal static class Fixtures
{
    public static JsonObject Json(string name) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(SourceDir(), "..", "Fixtures", name)))!;

    /// <summary>A {"shape", "data"} object as a contiguous tensor of <paramref name="dtype"/>.</summary>
    public static Tensor Tensor(JsonNode? node, DType dtype = DType.Float32)
    {
        var shape = node!["shape"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray();
        var data = node["data"]!.AsArray().Select(x => x!.GetValue<double>()).ToArray();
        return Engine.Tensor.FromArray(data, data.Length).Reshape(shape).To(dtype).Contiguous().Clone();
    }

    private static string SourceDir([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

/// <summary>Tolerance assertions that name the worst element.</summary>
internal static class Close
{
    /// <summary>|a - b| ≤ rtol·max(|b|, floor) for every element.</summary>
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
}
