using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Layers;
using Lepton.NN.Losses;
using Lepton.NN.Tests.Support;

namespace Lepton.NN.Tests;

/// <summary>Forward values and gradients against PyTorch numbers (tools/fixtures/nn_layers.py), 1e-5 relative, in Float32.</summary>
public class TorchFixtureTests
{
    private static readonly JsonObject Cases = (JsonObject)Fixtures.Json("nn_layers.json")["cases"]!;

    [Theory]
    [InlineData("linear")]
    [InlineData("linear_3d")]
    [InlineData("batchnorm2d_train")]
    [InlineData("batchnorm1d_train")]
    [InlineData("batchnorm1d_3d_train")]
    [InlineData("layernorm")]
    public void LayerMatchesPyTorch(string name)
    {
        var c = Cases[name]!;
        var p = c["params"]!.AsObject();
        var x = Fixtures.Tensor(c["input"]).RequireGrad();
        Module layer = name switch
        {
            "linear" or "linear_3d" => new Linear(p["weight"]!["shape"]![1]!.GetValue<int>(), p["weight"]!["shape"]![0]!.GetValue<int>()),
            "batchnorm2d_train" => new BatchNorm2d(x.Shape[1]),
            "batchnorm1d_train" or "batchnorm1d_3d_train" => new BatchNorm1d(x.Shape[1]),
            _ => new LayerNorm(p["weight"]!["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray()),
        };
        layer.LoadStateDict(p.ToDictionary(kv => kv.Key, kv => Fixtures.Tensor(kv.Value)), strict: false);
        var y = layer.Forward(x);
        Close.Assert(Fixtures.Tensor(c["output"]), y, what: name + " output");
        var grads = y.Mul(Fixtures.Tensor(c["upstream"])).Sum().Backward();
        Close.Assert(Fixtures.Tensor(c["grad_input"]), grads.Get(x), what: name + " grad input");
        foreach (var (n, param) in layer.NamedParameters())
            Close.Assert(Fixtures.Tensor(c["grad_params"]![n]), grads.Get(param.Value), what: $"{name} grad {n}");
        foreach (var (n, buffer) in layer.NamedBuffers())
            Close.Assert(Fixtures.Tensor(c["buffers_after"]![n]), buffer, what: $"{name} buffer {n}");
        if (c["output_eval"] is { } evalOut)
        {
            layer.Eval();
            Close.Assert(Fixtures.Tensor(evalOut), layer.Forward(x), what: name + " eval output");
        }
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("sum")]
    [InlineData("none")]
    [InlineData("smoothing")]
    [InlineData("weighted")]
    [InlineData("weighted_smoothing")]
    [InlineData("weighted_smoothing_sum")]
    public void CrossEntropyMatchesPyTorch(string variant)
    {
        var c = Cases["cross_entropy"]!;
        var v = c["variants"]![variant]!;
        var logits = Fixtures.Tensor(c["input"]).RequireGrad();
        var targets = Fixtures.Tensor(c["target"], DType.Int32);
        var options = new CrossEntropyOptions(
            v["weighted"]!.GetValue<bool>() ? Fixtures.Tensor(c["weight"]) : null,
            v["label_smoothing"]!.GetValue<double>(),
            v["reduction"]!.GetValue<string>() switch { "sum" => Reduction.Sum, "none" => Reduction.None, _ => Reduction.Mean });
        var loss = CrossEntropyLoss.Apply(logits, targets, options);
        Close.Assert(Fixtures.Tensor(v["loss"]), loss, what: variant + " loss");
        // The fixture back-propagates sum(loss * linspace(0.5, 1.5, numel)).
        int n = loss.Numel;
        var scale = Tensor.FromArray(Enumerable.Range(0, n).Select(i => n == 1 ? 0.5 : 0.5 + i / (double)(n - 1)).Select(d => (float)d).ToArray(), n)
            .Reshape(loss.Shape.ToArray());
        var g = loss.Mul(scale).Sum().Backward();
        Close.Assert(Fixtures.Tensor(v["grad_input"]), g.Get(logits), what: variant + " grad");
    }

    [Theory]
    [InlineData("bce_with_logits")]
    [InlineData("bce_with_logits_pos_weight")]
    [InlineData("huber")]
    [InlineData("mse")]
    [InlineData("l1")]
    [InlineData("poisson_nll")]
    public void ElementwiseLossMatchesPyTorch(string name)
    {
        var c = Cases[name]!;
        var x = Fixtures.Tensor(c["input"]).RequireGrad();
        var y = Fixtures.Tensor(c["target"]);
        var loss = name switch
        {
            "bce_with_logits" => BCEWithLogitsLoss.Apply(x, y),
            "bce_with_logits_pos_weight" => BCEWithLogitsLoss.Apply(x, y, new BCEWithLogitsOptions(Fixtures.Tensor(c["pos_weight"]))),
            "huber" => HuberLoss.Apply(x, y, c["delta"]!.GetValue<double>()),
            "mse" => MSELoss.Apply(x, y),
            "poisson_nll" => PoissonNLLLoss.Apply(x, y),
            _ => L1Loss.Apply(x, y),
        };
        Close.Assert(Fixtures.Tensor(c["loss"]), loss, what: name + " loss");
        Close.Assert(Fixtures.Tensor(c["grad_input"]), loss.Backward().Get(x), what: name + " grad");
    }
}
