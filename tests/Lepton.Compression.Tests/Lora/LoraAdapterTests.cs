using System.Text.Json.Nodes;
using Lepton.Compression.Lora;
using Lepton.Compression.Tests.Support;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Planned;
using Lepton.NN.Tests.Support;

namespace Lepton.Compression.Tests.Lora;

/// <summary>LoRA adapters against PyTorch (tools/fixtures/lora_linear.py, 1e-5), finite differences in Float64, merging and freezing.</summary>
public class LoraAdapterTests
{
    private static readonly JsonObject Cases = (JsonObject)Fixtures.Json("lora_linear.json")["cases"]!;

    [Theory]
    [InlineData("linear")]
    [InlineData("linear_3d")]
    public void LoraLinear_TorchFixture_MatchesForwardGradientsAndMerge(string name)
    {
        var c = Cases[name]!;
        var weight = Fixtures.Tensor(c["weight"]);
        var linear = new Linear(weight.Shape[1], weight.Shape[0]);
        linear.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = weight, ["bias"] = Fixtures.Tensor(c["bias"]) });
        var model = new Sequential(linear);
        var adapters = LoraAdapters.Attach(model, new LoraOptions(c["rank"]!.GetValue<int>(), c["alpha"]!.GetValue<double>()), new Generator(1));
        adapters.FreezeBase();
        var (_, adapter) = Assert.Single(adapters.Entries);
        adapter.A.Assign(Fixtures.Tensor(c["lora_A"]));
        adapter.B.Assign(Fixtures.Tensor(c["lora_B"]));
        var x = Fixtures.Tensor(c["input"]).RequireGrad();

        var y = model.Forward(x);
        Close.Assert(Fixtures.Tensor(c["output"]), y, what: name + " output");
        var grads = y.Mul(Fixtures.Tensor(c["upstream"])).Sum().Backward();
        Close.Assert(Fixtures.Tensor(c["grad_input"]), grads.Get(x), what: name + " grad input");
        Close.Assert(Fixtures.Tensor(c["grad_A"]), grads.Get(adapter.A.Value), what: name + " grad A");
        Close.Assert(Fixtures.Tensor(c["grad_B"]), grads.Get(adapter.B.Value), what: name + " grad B");
        Assert.False(grads.Contains(linear.Weight.Value), "the frozen base weight got a gradient");

        adapters.Merge();
        Assert.Null(linear.Adapter);
        Close.Assert(Fixtures.Tensor(c["merged_weight"]), linear.Weight.Value, what: name + " merged weight");
        var merged = model.Forward(x.Detach());
        Close.Assert(Fixtures.Tensor(c["merged_output"]), merged, what: name + " merged output");
        Close.Assert(y.Detach(), merged, what: name + " merged vs unmerged");
    }

    [Fact]
    public void LoraAttention_TorchFixture_MatchesForwardGradientsAndMerge()
    {
        var c = Cases["attention"]!;
        var mha = new MultiheadAttention(c["embed_dim"]!.GetValue<int>(), c["num_heads"]!.GetValue<int>());
        mha.LoadStateDict(c["params"]!.AsObject().ToDictionary(kv => kv.Key, kv => Fixtures.Tensor(kv.Value)));
        mha.Eval();
        var model = new Sequential(mha);
        var adapters = LoraAdapters.Attach(model, new LoraOptions(c["rank"]!.GetValue<int>(), c["alpha"]!.GetValue<double>(), ["q", "v", "out"]), new Generator(1));
        adapters.FreezeBase();
        Assert.Equal(["0.q_proj", "0.v_proj", "0.out_proj"], adapters.Entries.Select(e => e.Target.Name));
        foreach (var (target, adapter) in adapters.Entries)
        {
            var f = c[target.Name[2..]]!;
            adapter.A.Assign(Fixtures.Tensor(f["lora_A"]));
            adapter.B.Assign(Fixtures.Tensor(f["lora_B"]));
        }
        var x = Fixtures.Tensor(c["input"]).RequireGrad();

        var y = model.Forward(x);
        Close.Assert(Fixtures.Tensor(c["output"]), y, what: "attention output");
        var grads = y.Mul(Fixtures.Tensor(c["upstream"])).Sum().Backward();
        Close.Assert(Fixtures.Tensor(c["grad_input"]), grads.Get(x), what: "attention grad input");
        foreach (var (target, adapter) in adapters.Entries)
        {
            var f = c[target.Name[2..]]!;
            Close.Assert(Fixtures.Tensor(f["grad_A"]), grads.Get(adapter.A.Value), what: target.Name + " grad A");
            Close.Assert(Fixtures.Tensor(f["grad_B"]), grads.Get(adapter.B.Value), what: target.Name + " grad B");
        }

        adapters.Merge();
        Close.Assert(Fixtures.Tensor(c["merged_in_proj_weight"]), mha.InProjectionWeight.Value, what: "merged in_proj_weight");
        Close.Assert(Fixtures.Tensor(c["merged_out_proj_weight"]), mha.OutProjection.Weight.Value, what: "merged out_proj.weight");
        Close.Assert(y.Detach(), model.Forward(x.Detach()), what: "merged vs unmerged attention");
    }

    [Fact]
    public void LoraLinear_Float64_GradientsMatchFiniteDifferences()
    {
        var rng = new Generator(7);
        var model = (Sequential)new Sequential(new Linear(5, 4, rng: rng), new Tanh(), new Linear(4, 3, rng: rng)).To(DType.Float64);
        var adapters = LoraAdapters.Attach(model, new LoraOptions(2, 3), rng);
        adapters.FreezeBase();
        foreach (var (_, a) in adapters.Entries) a.B.Assign(Tensor.Randn(a.B.Shape, rng, std: 0.5, dtype: DType.Float64));
        var x = Tensor.Randn(new Shape(3, 5), rng, dtype: DType.Float64).RequireGrad();
        var up = Tensor.Randn(new Shape(3, 3), rng, dtype: DType.Float64);
        GradCheck.Check(() => model.Forward(x).Mul(up).Sum(),
            [("x", x), .. adapters.NamedParameters().Select(p => (p.Name, p.Parameter.Value))]);
    }

    [Fact]
    public void LoraAttention_Float64_GradientsMatchFiniteDifferences()
    {
        var rng = new Generator(8);
        var mha = (MultiheadAttention)new MultiheadAttention(4, 2, rng: rng).To(DType.Float64);
        var model = new Sequential(mha);
        var adapters = LoraAdapters.Attach(model, new LoraOptions(2, 4, ["attention"]), rng);
        adapters.FreezeBase();
        Assert.Equal(4, adapters.Entries.Count);
        foreach (var (_, a) in adapters.Entries) a.B.Assign(Tensor.Randn(a.B.Shape, rng, std: 0.5, dtype: DType.Float64));
        var x = Tensor.Randn(new Shape(2, 3, 4), rng, dtype: DType.Float64).RequireGrad();
        var up = Tensor.Randn(new Shape(2, 3, 4), rng, dtype: DType.Float64);
        GradCheck.Check(() => model.Forward(x).Mul(up).Sum(),
            [("x", x), .. adapters.NamedParameters().Select(p => (p.Name, p.Parameter.Value))]);
    }

    [Fact]
    public void Attach_FreshAdapters_LeaveOutputsBitIdenticalAndTrainOnlyAdapters()
    {
        var rng = new Generator(3);
        var model = new Sequential(new Linear(6, 8, rng: rng), new ReLU(), new Linear(8, 3, rng: rng));
        var x = Tensor.Randn(new Shape(5, 6), rng);
        var before = model.Forward(x).ToArray();
        var adapters = LoraAdapters.Attach(model, new LoraOptions(2, 4), rng);
        long frozen = adapters.FreezeBase();

        Assert.Equal(before, model.Forward(x).ToArray());
        Assert.Equal(model.ParameterCount, frozen);
        Assert.Equal(2 * (6 + 8) + 2 * (8 + 3), adapters.ParameterCount);
        Assert.All(model.Parameters(), p => Assert.False(p.Trainable));
        Assert.All(adapters.Parameters, p => Assert.True(p.Trainable));
        // The base model's state dict does not see the adapters: it saves and loads as before.
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], model.StateDict().Keys);
    }

    [Fact]
    public void Detach_AfterTraining_RestoresTheBaseFunction()
    {
        var rng = new Generator(4);
        var model = new Sequential(new Linear(6, 3, rng: rng));
        var x = Tensor.Randn(new Shape(2, 6), rng);
        var before = model.Forward(x).ToArray();
        var adapters = LoraAdapters.Attach(model, new LoraOptions(2, 4), rng);
        adapters.Entries[0].Adapter.B.Assign(Tensor.Ones(3, 2));
        Assert.NotEqual(before, model.Forward(x).ToArray());

        adapters.Detach();

        Assert.Equal(before, model.Forward(x).ToArray());
    }

    [Fact]
    public void PlannedStep_LinearWithAdapter_IsRefusedWithTheReason()
    {
        var rng = new Generator(5);
        var model = new Sequential(new Linear(4, 3, rng: rng));
        Assert.NotNull(PlannedTrainingStep.TryCreate(model, new Shape(2, 4), out _));
        LoraAdapters.Attach(model, new LoraOptions(1, 1), rng);

        var plan = PlannedTrainingStep.TryCreate(model, new Shape(2, 4), out var reason);

        Assert.Null(plan);
        Assert.Contains("adapter", reason);
    }

    [Fact]
    public void Attach_TwiceOnOneLayer_IsRefused()
    {
        var model = new Sequential(new Linear(4, 3));
        LoraAdapters.Attach(model, new LoraOptions(1, 1), new Generator(0));
        var e = Assert.Throws<InvalidOperationException>(() => LoraAdapters.Attach(model, new LoraOptions(1, 1), new Generator(0)));
        Assert.Contains("already carries an adapter", e.Message);
    }

    [Fact]
    public void LinearAdapter_OfTheWrongSize_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new Linear(4, 3) { Adapter = new LoraAdapter(5, 3, 1, 1, new Generator(0)) });
        Assert.Contains("in_features=4", e.Message);
    }
}
