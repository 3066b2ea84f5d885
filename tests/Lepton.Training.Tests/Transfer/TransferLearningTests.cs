using Lepton.Data;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Graph;
using Lepton.NN.Layers;
using Lepton.NN.Losses;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;
using Lepton.Training.Callbacks;
using Lepton.Training.Optimizers;
using Lepton.Training.Transfer;

namespace Lepton.Training.Tests.Transfer;

/// <summary>
/// Transfer learning from a saved parent: the head is replaced for the new classes, a frozen backbone keeps its exact bits
/// (weights and BatchNorm statistics) while the head learns, unfreeze-after and the backbone's learning-rate scale take
/// effect, and inputs of another size are refused by name.
/// </summary>
public sealed class TransferLearningTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-transfer-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    // 40 random 1x8x8 images in `classes` classes.
    private static InMemoryDataset Images(ulong seed, int classes, int channels = 1, int side = 8)
    {
        var rng = new Generator(seed);
        const int n = 40;
        var x = Tensor.Randn(new Shape(n, channels, side, side), rng);
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = rng.NextInt(classes);
        return new InMemoryDataset(x, Tensor.FromArray(y, n), Enumerable.Range(0, classes).Select(i => $"c{i}").ToArray());
    }

    // A parent with BatchNorm in its backbone, saved as a model folder: 8x8 grayscale, 10 classes.
    private string SaveParent(string preset)
    {
        var model = preset == "cnn-bn"
            ? ModelPresets.Build("cnn-bn", 1, 8, 8, 10, new Generator(1))
            : ModelPresets.Build(preset, 1, 8, 8, 10, new Generator(1));
        string dir = Path.Combine(_dir, preset);
        ModelFile.Save(dir, model, new ModelSpec { Input = new InputSpec("image", [-1, 1, 8, 8]), ClassNames = Enumerable.Range(0, 10).Select(i => $"p{i}").ToList() });
        return dir;
    }

    private static Dictionary<string, float[]> Snapshot(Module m) =>
        m.StateDict().Where(kv => kv.Value.DType == DType.Float32).ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    private static TrainingHistory Fit(TransferLearning t, Module model, int epochs, Func<Module, IOptimizer>? optimizer = null)
    {
        var opt = optimizer?.Invoke(model) ?? new Adam(model.Parameters(), new AdamOptions(LearningRate: 0.01));
        t.ConfigureOptimizer(opt);
        var trainer = new Trainer(model, opt, new CrossEntropyLoss());
        return trainer.Fit(Images(2, 3), Images(3, 3), new FitOptions(Epochs: epochs, BatchSize: 16, Seed: 4), t.Callbacks.ToList());
    }

    [Theory]
    [InlineData("cnn-bn", "12.weight")]
    [InlineData("resnet", "fc.weight")]
    [InlineData("mobilenet", "fc.weight")]
    public void Adapt_NewClassCount_ReplacesTheHeadAndKeepsTheBackbone(string preset, string headWeight)
    {
        var parentDir = SaveParent(preset);
        var t = TransferLearning.Load(new TransferOptions(parentDir));
        var parentState = Snapshot(t.Parent.Model);
        var model = t.Adapt(3, new Generator(9));

        var state = model.StateDict();
        Assert.Equal(3, state[headWeight].Shape[0]);
        Assert.Equal(parentState[headWeight].Length / 10, state[headWeight].Shape[1]);
        foreach (var (name, values) in parentState)
            if (!name.StartsWith(headWeight.Split('.')[0] + ".", StringComparison.Ordinal))
                Assert.Equal(values, state[name].ToArray());
        model.Eval();
        using var _ = new NoGrad();
        Assert.Equal(new Shape(2, 3), model.Forward(Tensor.Randn(new Shape(2, 1, 8, 8), new Generator(3))).Shape);
        if (model is GraphModel g) Assert.Equal(3, g.Spec!.Nodes.Single(n => n.Name == "fc").Options["out_features"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("cnn-bn")]
    [InlineData("resnet")]
    public void Fit_FrozenBackbone_KeepsBackboneBitsAndBatchNormStatsWhileTheHeadLearns(string preset)
    {
        var t = TransferLearning.Load(new TransferOptions(SaveParent(preset), Freeze: BackboneFreeze.Backbone));
        var model = t.Adapt(3, new Generator(9));
        var headNames = t.Head!.Parameters().Select(p => p.Value).ToHashSet(ReferenceEqualityComparer.Instance);
        var before = Snapshot(model);
        var history = Fit(t, model, epochs: 2);
        Assert.True(history.Steps > 0);
        var after = Snapshot(model);
        var head = model.NamedParameters().Where(p => headNames.Contains(p.Parameter.Value)).Select(p => p.Name).ToHashSet();
        // Every backbone tensor, BatchNorm running_mean and running_var included, is bit-identical; the head moved.
        foreach (var (name, values) in before)
        {
            if (head.Contains(name)) Assert.NotEqual(values, after[name]);
            else Assert.Equal(values, after[name]);
        }
        Assert.Contains(before.Keys, k => k.EndsWith("running_mean", StringComparison.Ordinal));
    }

    [Fact]
    public void Fit_UnfreezeAfterOne_TrainsTheBackboneFromEpochTwo()
    {
        var t = TransferLearning.Load(new TransferOptions(SaveParent("cnn-bn"), Freeze: BackboneFreeze.Backbone, UnfreezeAfter: 1));
        var model = t.Adapt(3, new Generator(9));
        var before = Snapshot(model);
        Fit(t, model, epochs: 1);
        Assert.Equal(before["0.weight"], Snapshot(model)["0.weight"]);
        Assert.True(((BackboneFreezing)t.Callbacks[0]).Frozen);

        var t2 = TransferLearning.Load(new TransferOptions(SaveParent("cnn-bn"), Freeze: BackboneFreeze.Backbone, UnfreezeAfter: 1));
        var model2 = t2.Adapt(3, new Generator(9));
        Fit(t2, model2, epochs: 2);
        var after = Snapshot(model2);
        Assert.NotEqual(before["0.weight"], after["0.weight"]);
        Assert.NotEqual(before["1.running_mean"], after["1.running_mean"]);
        Assert.False(((BackboneFreezing)t2.Callbacks[0]).Frozen);
    }

    [Fact]
    public void Step_BackboneLearningRateScale_MovesTheBackboneByThatFraction()
    {
        var t = TransferLearning.Load(new TransferOptions(SaveParent("cnn-bn"), BackboneLearningRateScale: 0.1));
        var model = t.Adapt(3, new Generator(9));
        var sgd = new Sgd(model.Parameters(), new SgdOptions(LearningRate: 0.5, Momentum: 0));
        t.ConfigureOptimizer(sgd);
        // One gradient of ones for every parameter: each moves by its group's learning rate.
        var grads = new GradStore();
        foreach (var p in model.Parameters()) grads.Set(p.Value, Tensor.Ones(p.Shape));
        var before = Snapshot(model);
        sgd.Step(grads);
        var after = Snapshot(model);
        var headWeight = model.NamedParameters().Single(p => ReferenceEquals(p.Parameter.Value, t.Head!.Parameters().First().Value)).Name;
        Assert.Equal(0.5, before[headWeight][0] - after[headWeight][0], 5);
        Assert.Equal(0.05, before["0.weight"][0] - after["0.weight"][0], 5);
        Assert.Equal(0.1, sgd.LearningRateScale(t.Backbone[0]));
    }

    [Fact]
    public void CheckInput_OtherImageSize_NamesBothShapesAndTheFix()
    {
        var t = TransferLearning.Load(new TransferOptions(SaveParent("cnn-bn"), ParentLabel: "fashion@2"));
        var e = Assert.Throws<ArgumentException>(() => t.CheckInput([3, 32, 32]));
        Assert.Contains("(1, 8, 8)", e.Message);
        Assert.Contains("(3, 32, 32)", e.Message);
        Assert.Contains("fashion@2", e.Message);
        Assert.Contains("--resize 8x8", e.Message);
        t.CheckInput([1, 8, 8]);
    }

    [Fact]
    public void WithLineage_RecordsTheParentModel()
    {
        var t = TransferLearning.Load(new TransferOptions(SaveParent("cnn-bn"), ParentLabel: "fashion@2", Freeze: BackboneFreeze.Backbone));
        var m = t.WithLineage(new System.Text.Json.Nodes.JsonObject { ["dataset"] = "flowers@1" });
        Assert.Equal("fashion@2", m["parent_model"]!.GetValue<string>());
        Assert.Equal("flowers@1", m["dataset"]!.GetValue<string>());
        Assert.Equal("backbone", m["transfer"]!["freeze"]!.GetValue<string>());
    }

    [Fact]
    public void Validate_UnfreezeWithoutFreeze_NamesTheMissingOption()
    {
        var e = Assert.Throws<ArgumentException>(() => new TransferOptions("x", UnfreezeAfter: 2).Validate());
        Assert.Contains("--freeze backbone", e.Message);
    }
}
