using Lepton.Compression.Pruning;
using Lepton.Compression.Tests.Support;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Presets;
using Lepton.Training;
using Lepton.Training.Optimizers;
using Lepton.Training.Tasks;

namespace Lepton.Compression.Tests.Pruning;

public sealed class MagnitudePrunerTests
{
    [Fact]
    public void Mask_HalfSparsity_PrunesTheSmallestMagnitudes()
    {
        var keep = MagnitudePruner.Mask([0.5, -0.1, 2.0, 0.05, -3.0, 0.2], 0.5);

        Assert.Equal([true, false, true, false, true, false], keep);
    }

    [Fact]
    public void Prune_Cnn_ZeroesTheShareOfEachWeightButNoBias()
    {
        var model = TestModels.Preset("cnn");
        var biasesBefore = TestModels.Descendants(model).OfType<Linear>().Select(l => l.Bias!.Value.ToArray()).ToList();

        var masks = MagnitudePruner.Prune(model, 0.6);

        Assert.Equal(["0.weight", "3.weight", "7.weight", "9.weight"], masks.Layers.Select(l => l.Name));
        foreach (var (name, pruned, total) in masks.Layers)
        {
            var w = model.StateDict()[name].ToArray();
            Assert.Equal((int)Math.Floor(0.6 * total), pruned);
            Assert.Equal(pruned, w.Count(v => v == 0));
        }
        Assert.Equal(biasesBefore, TestModels.Descendants(model).OfType<Linear>().Select(l => l.Bias!.Value.ToArray()).ToList());
        Assert.InRange(masks.Sparsity, 0.599, 0.6);
    }

    [Fact]
    public void FineTune_MaskedOptimizer_PrunedWeightsStayZeroWhileOthersLearn()
    {
        var data = SyntheticImages.Create(96, 1);
        var model = ModelPresets.Build("cnn", 1, 8, 8, 3, new Generator(2));
        var masks = MagnitudePruner.Prune(model, 0.5);
        var before = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var optimizer = new MaskedOptimizer(new Adam(model.Parameters(), new AdamOptions(LearningRate: 1e-2)), masks);

        new Trainer(model, optimizer, new MulticlassTask()).Fit(data, null, new FitOptions(Epochs: 2, BatchSize: 16));

        foreach (var (name, _, _) in masks.Layers)
        {
            var now = model.StateDict()[name].ToArray();
            var was = before[name];
            for (int i = 0; i < now.Length; i++)
                if (was[i] == 0) Assert.Equal(0f, now[i]);
            Assert.Contains(Enumerable.Range(0, now.Length), i => was[i] != 0 && now[i] != was[i]);
        }
    }

    [Fact]
    public void Fit_UnmaskedOptimizer_RevivesPrunedWeights()
    {
        // The control for the test above: without the mask, Adam moves the zeros, so that test can fail.
        var data = SyntheticImages.Create(96, 1);
        var model = ModelPresets.Build("cnn", 1, 8, 8, 3, new Generator(2));
        var masks = MagnitudePruner.Prune(model, 0.5);

        new Trainer(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: 1e-2)), new MulticlassTask())
            .Fit(data, null, new FitOptions(Epochs: 1, BatchSize: 16));

        var (name, pruned, _) = masks.Layers[0];
        Assert.True(model.StateDict()[name].ToArray().Count(v => v == 0) < pruned);
    }

    [Fact]
    public void Prune_SparsityOne_ThrowsNamingTheRange()
    {
        var e = Assert.Throws<ArgumentException>(() => MagnitudePruner.Prune(TestModels.Preset("cnn"), 1.0));
        Assert.Contains("[0, 1)", e.Message);
    }
}
