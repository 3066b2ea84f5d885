using System.Text.Json;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.Training.Optimizers;

namespace Lepton.Training.Tests.Optimizers;

/// <summary>Several optimizer steps on fixed gradients, compared with torch.optim (fixture from tools/fixtures/training_optimizers.py).</summary>
public sealed class OptimizerFixtureTests
{
    public static TheoryData<string> Configs() =>
        new(Fixture.Root.GetProperty("optimizers").EnumerateObject().Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Configs))]
    public void MatchesPyTorchStepByStep(string config)
    {
        var root = Fixture.Root;
        var cfg = root.GetProperty("optimizers").GetProperty(config);
        var parameters = MakeParameters(root);
        var optimizer = Make(cfg, parameters);
        var grads = root.GetProperty("grads").EnumerateArray().ToList();
        var trace = cfg.GetProperty("trace").EnumerateArray().ToList();
        Assert.Equal(grads.Count, trace.Count);
        for (int step = 0; step < grads.Count; step++)
        {
            var store = new GradStore();
            var stepGrads = grads[step].EnumerateArray().ToList();
            for (int i = 0; i < parameters.Length; i++)
                store.Set(parameters[i].Value, Tensor.FromArray(Fixture.Floats(stepGrads[i]), parameters[i].Shape.ToArray()));
            optimizer.Step(store);
            var expected = trace[step].EnumerateArray().ToList();
            for (int i = 0; i < parameters.Length; i++)
                Fixture.AssertClose(Fixture.Doubles(expected[i]), parameters[i].Value.ToDoubleArray(), 1e-6, 1e-7,
                    $"{config} step {step + 1} param {i}");
        }
        Assert.Equal(grads.Count, optimizer.StepCount);
    }

    internal static Parameter[] MakeParameters(JsonElement root)
    {
        var shapes = root.GetProperty("shapes").EnumerateArray().Select(Fixture.Ints).ToList();
        var initial = root.GetProperty("initial").EnumerateArray().Select(Fixture.Floats).ToList();
        return shapes.Select((s, i) => new Parameter(Tensor.FromArray(initial[i], s), $"p{i}")).ToArray();
    }

    internal static IOptimizer Make(JsonElement cfg, IEnumerable<Parameter> ps)
    {
        double lr = cfg.GetProperty("lr").GetDouble();
        double wd = Fixture.Get(cfg, "weight_decay", 0);
        return cfg.GetProperty("kind").GetString() switch
        {
            "sgd" => new Sgd(ps, new SgdOptions(lr, Fixture.Get(cfg, "momentum", 0), Fixture.Get(cfg, "dampening", 0),
                cfg.TryGetProperty("nesterov", out var n) && n.GetBoolean(), wd)),
            "adam" => new Adam(ps, new AdamOptions(lr, Fixture.Get(cfg, "beta1", 0.9), Fixture.Get(cfg, "beta2", 0.999), Fixture.Get(cfg, "eps", 1e-8), wd)),
            "adamw" => new AdamW(ps, new AdamWOptions(lr, Fixture.Get(cfg, "beta1", 0.9), Fixture.Get(cfg, "beta2", 0.999), Fixture.Get(cfg, "eps", 1e-8), wd)),
            var k => throw new InvalidDataException($"unknown optimizer kind {k}"),
        };
    }
}
