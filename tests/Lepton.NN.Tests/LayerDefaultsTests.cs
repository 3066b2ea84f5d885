using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;

namespace Lepton.NN.Tests;

/// <summary>Layers built without an rng draw from one advancing stream; whole models from model.json from a fresh one.</summary>
[Collection(SharedGeneratorCollection.Name)]
public class LayerDefaultsTests
{
    [Fact]
    public void SameShapedLayersWithoutRng_StartWithDifferentWeights()
    {
        var a = new Linear(4, 4);
        var b = new Linear(4, 4);
        Assert.NotEqual(a.Weight.Value.ToArray(), b.Weight.Value.ToArray());
        Assert.NotEqual(a.Bias!.Value.ToArray(), b.Bias!.Value.ToArray());
        var c = new Conv2d(2, 2, 3);
        var d = new Conv2d(2, 2, 3);
        Assert.NotEqual(c.Weight.Value.ToArray(), d.Weight.Value.ToArray());
        var e = new Embedding(5, 3);
        var f = new Embedding(5, 3);
        Assert.NotEqual(e.Weight.Value.ToArray(), f.Weight.Value.ToArray());
    }

    [Fact]
    public void ResetGenerator_ReplaysTheSameSequenceOfLayers()
    {
        LayerDefaults.ResetGenerator();
        var first = new[] { new Linear(4, 4), new Linear(4, 4) };
        LayerDefaults.ResetGenerator();
        var again = new[] { new Linear(4, 4), new Linear(4, 4) };
        for (int i = 0; i < 2; i++)
            Assert.Equal(first[i].Weight.Value.ToArray(), again[i].Weight.Value.ToArray());
        Assert.NotEqual(first[0].Weight.Value.ToArray(), first[1].Weight.Value.ToArray());

        LayerDefaults.ResetGenerator(seed: 7);
        var other = new Linear(4, 4);
        Assert.NotEqual(first[0].Weight.Value.ToArray(), other.Weight.Value.ToArray());
    }

    [Fact]
    public void DropoutLayersWithoutRng_DrawDifferentMasks()
    {
        var x = Tensor.Ones(64);
        var a = new Dropout(0.5).Forward(x).ToArray();
        var b = new Dropout(0.5).Forward(x).ToArray();
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void ModelBuiltFromArchitecture_IsReproducibleWhateverWasBuiltBefore()
    {
        LayerSpec Linear(int i, int o) => new("Linear", (JsonObject)JsonNode.Parse($$"""{"in_features": {{i}}, "out_features": {{o}}}""")!);
        LayerSpec[] arch = [Linear(4, 3), new("ReLU", []), Linear(3, 2)];
        var one = LayerRegistry.Build(arch).StateDict();
        _ = new Linear(4, 3); // advances the shared stream; a model build must not see it
        var two = LayerRegistry.Build(arch).StateDict();
        foreach (var (name, t) in one) Assert.Equal(t.ToArray(), two[name].ToArray());
    }
}
