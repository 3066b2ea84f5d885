using System.Text.Json;

namespace Lepton.Engine.Tests;

/// <summary>
/// Forward values and input gradients of conv2d, pooling, GELU, softmax and log-softmax against
/// PyTorch, from Fixtures/engine_ops.json (written by tools/fixtures/engine_ops.py). Lepton runs in Float32.
/// </summary>
public class PyTorchFixtureTests
{
    private const double RelTol = 1e-5;
    private const double AbsTol = 1e-6;

    private static readonly Lazy<JsonDocument> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "engine_ops.json"))));

    private static IEnumerable<JsonElement> Cases => Fixture.Value.RootElement.GetProperty("cases").EnumerateArray();

    public static TheoryData<string> CaseNames => new(Cases.Select(c => c.GetProperty("name").GetString()!));

    [Fact]
    public void FixtureNamesTheScriptThatMadeIt() =>
        Assert.Equal("tools/fixtures/engine_ops.py", Fixture.Value.RootElement.GetProperty("generated_by").GetString());

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorch(string name)
    {
        var c = Cases.Single(e => e.GetProperty("name").GetString() == name);
        var inputs = new Dictionary<string, Tensor>();
        foreach (var p in c.GetProperty("inputs").EnumerateObject()) inputs[p.Name] = ReadTensor(p.Value).RequireGrad();
        var opts = c.GetProperty("options");
        var y = Apply(c.GetProperty("op").GetString()!, opts, inputs);

        AssertClose(c.GetProperty("output"), y, $"{name} output");
        var grads = y.Mul(ReadTensor(c.GetProperty("grad_output"))).Sum().Backward();
        foreach (var p in c.GetProperty("grads").EnumerateObject())
            AssertClose(p.Value, grads.Get(inputs[p.Name]), $"{name} grad {p.Name}");
    }

    private static Tensor Apply(string op, JsonElement o, Dictionary<string, Tensor> t)
    {
        var x = t["x"];
        switch (op)
        {
            case "conv2d":
            {
                var s = Pair(o, "stride");
                var p = Pair(o, "padding");
                var d = Pair(o, "dilation");
                return x.Conv2d(t["weight"], t.GetValueOrDefault("bias"), s.a, s.b, p.a, p.b, d.a, d.b, o.GetProperty("groups").GetInt32());
            }
            case "max_pool2d":
            case "avg_pool2d":
            {
                var k = Pair(o, "kernel");
                var s = Pair(o, "stride");
                var p = Pair(o, "padding");
                return op == "max_pool2d" ? x.MaxPool2d(k.a, k.b, s.a, s.b, p.a, p.b) : x.AvgPool2d(k.a, k.b, s.a, s.b, p.a, p.b);
            }
            case "adaptive_avg_pool2d":
            {
                var size = Pair(o, "output_size");
                return x.AdaptiveAvgPool2d(size.a, size.b);
            }
            case "gelu": return x.Gelu();
            case "softmax": return x.Softmax(o.GetProperty("axis").GetInt32());
            case "log_softmax": return x.LogSoftmax(o.GetProperty("axis").GetInt32());
            default: throw new InvalidOperationException($"Unknown fixture op '{op}'.");
        }
    }

    private static (int a, int b) Pair(JsonElement o, string name)
    {
        var v = o.GetProperty(name);
        return (v[0].GetInt32(), v[1].GetInt32());
    }

    private static Tensor ReadTensor(JsonElement e)
    {
        var shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var data = e.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        return Tensor.FromArray(data, shape.Length == 0 ? [] : shape).Reshape(shape);
    }

    // Compares with the Float64 reference values exactly as PyTorch wrote them.
    private static void AssertClose(JsonElement expected, Tensor actual, string what)
    {
        Assert.Equal(expected.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray(), actual.Shape.ToArray());
        Assert.Equal(DType.Float32, actual.DType);
        var e = expected.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
            if (Math.Abs(e[i] - a[i]) > AbsTol + RelTol * Math.Abs(e[i]))
                Assert.Fail($"{what}: element {i} expected {e[i]:G9}, got {a[i]:G9} (diff {Math.Abs(e[i] - a[i]):G3}).");
    }
}
