using System.Text.Json.Nodes;
using Lepton.Compression.Pruning;
using Lepton.Compression.Tests.Support;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Graph;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;

namespace Lepton.Compression.Tests.Pruning;

public sealed class StructuredPrunerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-prune-" + Guid.NewGuid().ToString("N"));

    private static string Example(string file, [System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "examples", "models", file));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Cnn_HalfSparsity_HalvesConvChannelsAndTheLinearColumnsAfterFlatten()
    {
        var model = (Sequential)TestModels.Preset("cnn");
        var result = StructuredPruner.Prune(model, TestModels.ImageSpec(), new StructuredPruningOptions(0.5));

        var pruned = (Sequential)result.Model;
        Assert.Equal(16, ((Conv2d)pruned[0]).OutChannels);
        Assert.Equal(16, ((Conv2d)pruned[3]).InChannels);
        Assert.Equal(32, ((Conv2d)pruned[3]).OutChannels);
        Assert.Equal(32 * 7 * 7, ((Linear)pruned[7]).InFeatures);
        Assert.Equal(128, ((Linear)pruned[7]).OutFeatures);
        // conv1 1→16, conv2 16→32, fc 1568→128, head 128→10
        Assert.Equal(16 * 9 + 16 + 32 * 16 * 9 + 32 + 1568 * 128 + 128 + 128 * 10 + 10, pruned.ParameterCount);
        Assert.Equal([["0"], ["3"]], result.Report.Pruned.Select(g => g.Layers.ToArray()).ToArray());
        Assert.All(result.Report.Pruned, g => Assert.Equal("l1", g.Criterion));
    }

    [Fact]
    public void Cnn_SilentFiltersPruned_OutputsUnchanged()
    {
        // Zero filters contribute nothing downstream (ReLU(0) = 0, pooled 0): removing them, and the matching input channels
        // and Linear columns, must give the same logits. A wrong column mapping after Flatten would not.
        var model = TestModels.Preset("cnn");
        TestModels.SilenceOddConvFilters(model);
        var x = TestModels.Images(4);
        var before = TestModels.Outputs(model, x);

        var result = StructuredPruner.Prune(model, TestModels.ImageSpec(), new StructuredPruningOptions(0.5));

        TestModels.AssertClose(before, TestModels.Outputs(result.Model, x));
        Assert.True(result.Model.ParameterCount < model.ParameterCount / 2 + 1000);
    }

    [Fact]
    public void CnnBn_SilentNormChannels_RankedByGammaAndOutputsUnchanged()
    {
        var model = TestModels.Preset("cnn-bn");
        TestModels.SilenceOddNormChannels(model);
        var x = TestModels.Images(4);
        var before = TestModels.Outputs(model, x);

        var result = StructuredPruner.Prune(model, TestModels.ImageSpec(), new StructuredPruningOptions(0.5));

        TestModels.AssertClose(before, TestModels.Outputs(result.Model, x));
        Assert.All(result.Report.Pruned, g => Assert.Equal("bn-gamma", g.Criterion));
        Assert.Equal(16, ((BatchNorm)((Sequential)result.Model)[1]).NumFeatures);
    }

    [Fact]
    public void ResNetGraph_ResidualGroupsPrunedAlike_OutputsUnchanged()
    {
        var model = TestModels.Preset("resnet");
        TestModels.SilenceOddNormChannels(model);
        var x = TestModels.Images(3);
        var before = TestModels.Outputs(model, x);

        var result = StructuredPruner.Prune(model, TestModels.ImageSpec(), new StructuredPruningOptions(0.5));

        TestModels.AssertClose(before, TestModels.Outputs(result.Model, x));
        // The stem, layer1's second conv and its identity shortcut share one group; layer2's and layer3's outputs meet their projections.
        var groups = result.Report.Pruned.Select(g => string.Join(",", g.Layers.Order(StringComparer.Ordinal))).ToList();
        Assert.Contains("layer1.conv2,stem", groups);
        Assert.Contains("layer2.conv2,layer2.proj", groups);
        Assert.Contains("layer3.conv2,layer3.proj", groups);
        Assert.Empty(result.Report.Skipped);
        Assert.Equal(64, ((Linear)result.Model.NamedChildren().Single(c => c.Name == "fc").Module).InFeatures);
    }

    [Fact]
    public void ResNetGraph_Pruned_SavesAndLoadsAsAnOrdinaryModelFolder()
    {
        var model = TestModels.Preset("resnet");
        var spec = TestModels.ImageSpec();
        var result = StructuredPruner.Prune(model, spec, new StructuredPruningOptions(0.5));
        var x = TestModels.Images(2);

        ModelFile.Save(_dir, result.Model, result.Spec);
        var loaded = ModelFile.Load(_dir);

        Assert.Equal(2, loaded.Spec.FormatVersion);
        Assert.Equal(result.Model.ParameterCount, loaded.Model.ParameterCount);
        Assert.Equal(spec.ClassNames, loaded.Spec.ClassNames);
        TestModels.AssertClose(TestModels.Outputs(result.Model, x), TestModels.Outputs(loaded.Model, x), 1e-6);
        var stem = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, ModelFile.SpecFileName)))!["graph"]!["nodes"]![0]!;
        Assert.Equal(16, stem["options"]!["out_channels"]!.GetValue<int>());
    }

    [Fact]
    public void MeanPooledGraph_ChannelsReadByLinearAfterMean_Pruned()
    {
        var spec = ModelSpec.FromJson(File.ReadAllText(Example("residual-cnn.json")));
        var model = spec.BuildModel(new Generator(3));
        TestModels.SilenceOddNormChannels(model);
        var x = TestModels.Images(2);
        var before = TestModels.Outputs(model, x);

        var result = StructuredPruner.Prune(model, spec, new StructuredPruningOptions(0.5));

        TestModels.AssertClose(before, TestModels.Outputs(result.Model, x));
        Assert.Equal(16, ((Linear)result.Model.NamedChildren().Single(c => c.Name == "fc").Module).InFeatures);
    }

    [Fact]
    public void ConcatGraph_ConcatenatedChannels_SkippedWithTheReason()
    {
        var spec = ModelSpec.FromJson("""
        {"format_version": 2, "graph": {
          "inputs": [{"name": "image", "shape": [-1, 1, 8, 8]}],
          "nodes": [
            {"name": "a", "type": "Conv2d", "options": {"in_channels": 1, "out_channels": 4, "kernel_size": 3, "padding": 1}, "inputs": ["image"]},
            {"name": "b", "type": "Conv2d", "options": {"in_channels": 1, "out_channels": 4, "kernel_size": 3, "padding": 1}, "inputs": ["image"]},
            {"name": "cat", "type": "Concat", "options": {"dim": 1}, "inputs": ["a", "b"]},
            {"name": "c", "type": "Conv2d", "options": {"in_channels": 8, "out_channels": 6, "kernel_size": 3, "padding": 1}, "inputs": ["cat"]},
            {"name": "relu", "type": "ReLU", "inputs": ["c"]},
            {"name": "flat", "type": "Flatten", "inputs": ["relu"]},
            {"name": "fc", "type": "Linear", "options": {"in_features": 384, "out_features": 3}, "inputs": ["flat"]}],
          "outputs": [{"name": "logits", "source": "fc"}]}}
        """);
        var model = spec.BuildModel(new Generator(1));

        var result = StructuredPruner.Prune(model, spec, new StructuredPruningOptions(0.5));

        Assert.Equal(["a", "b"], result.Report.Skipped.Select(s => s.Layers.Single()).Order());
        Assert.All(result.Report.Skipped, s => Assert.Contains("Concat 'cat'", s.Reason));
        var only = Assert.Single(result.Report.Pruned);
        Assert.Equal(["c"], only.Layers);
        Assert.Equal((6, 3), (only.Before, only.After));
        Assert.Equal(192, ((Linear)result.Model.NamedChildren().Single(c => c.Name == "fc").Module).InFeatures);
        Assert.Equal(2 * 3, TestModels.Outputs(result.Model, Tensor.Zeros(2, 1, 8, 8)).Length);
    }

    [Fact]
    public void Mlp_LinearUnits_PrunesHiddenUnitsButNotTheClassOutputs()
    {
        var model = (Sequential)TestModels.Preset("mlp");

        var result = StructuredPruner.Prune(model, TestModels.ImageSpec(), new StructuredPruningOptions(0.5, LinearUnits: true));

        var pruned = (Sequential)result.Model;
        Assert.Equal((784, 128), (((Linear)pruned[1]).InFeatures, ((Linear)pruned[1]).OutFeatures));
        Assert.Equal((128, 64), (((Linear)pruned[3]).InFeatures, ((Linear)pruned[3]).OutFeatures));
        Assert.Equal((64, 10), (((Linear)pruned[5]).InFeatures, ((Linear)pruned[5]).OutFeatures));
        Assert.Contains(result.Report.Skipped, s => s.Layers.SequenceEqual(["5"]) && s.Reason.Contains("model output"));
    }

    [Fact]
    public void Mlp_WithoutLinearUnits_NothingToPrune()
    {
        var model = TestModels.Preset("mlp");

        var result = StructuredPruner.Prune(model, TestModels.ImageSpec(), new StructuredPruningOptions(0.5));

        Assert.Empty(result.Report.Pruned);
        Assert.Equal(model.ParameterCount, result.Model.ParameterCount);
    }

    [Fact]
    public void Prune_SourceModel_LeftUnchanged()
    {
        var model = TestModels.Preset("cnn");
        var x = TestModels.Images(2);
        var before = TestModels.Outputs(model, x);
        long parameters = model.ParameterCount;

        _ = StructuredPruner.Prune(model, TestModels.ImageSpec(), new StructuredPruningOptions(0.75));

        Assert.Equal(parameters, model.ParameterCount);
        Assert.Equal(before, TestModels.Outputs(model, x));
    }

    [Theory]
    [InlineData(0.75, 8, 16)]
    [InlineData(0.9, 3, 6)]
    [InlineData(0.99, 1, 1)]
    public void Cnn_Sparsity_KeepsTheRoundedShareAndAtLeastOneChannel(double sparsity, int first, int second)
    {
        var result = StructuredPruner.Prune(TestModels.Preset("cnn"), TestModels.ImageSpec(), new StructuredPruningOptions(sparsity));

        Assert.Equal([first, second], result.Report.Pruned.Select(g => g.After));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Prune_SparsityOutOfRange_ThrowsNamingTheValue(double sparsity)
    {
        var e = Assert.Throws<ArgumentException>(() => StructuredPruner.Prune(TestModels.Preset("cnn"), TestModels.ImageSpec(), new StructuredPruningOptions(sparsity)));
        Assert.Contains("[0, 1)", e.Message);
    }
}
