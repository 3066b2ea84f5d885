using Lepton.Compression.Lora;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;

namespace Lepton.Compression.Tests.Lora;

/// <summary>Which maps the --lora selectors pick, and how the --lora value parses.</summary>
public class LoraTargetsTests
{
    private static Sequential Encoder() =>
        new(new TransformerEncoderLayer(8, 2, new TransformerEncoderLayerOptions(DimFeedforward: 16, Dropout: 0), new Generator(1)), new Linear(8, 3, rng: new Generator(2)));

    [Theory]
    [InlineData("all", "0.self_attn.q_proj,0.self_attn.k_proj,0.self_attn.v_proj,0.self_attn.out_proj,0.linear1,0.linear2,1")]
    [InlineData("linear", "0.linear1,0.linear2,1")]
    [InlineData("attention", "0.self_attn.q_proj,0.self_attn.k_proj,0.self_attn.v_proj,0.self_attn.out_proj")]
    [InlineData("q+v", "0.self_attn.q_proj,0.self_attn.v_proj")]
    [InlineData("out+1", "0.self_attn.out_proj,1")]
    public void Select_Selectors_PickTheNamedMapsInModuleOrder(string selectors, string expected)
    {
        var picked = LoraTargets.Select(Encoder(), selectors.Split('+'));
        Assert.Equal(expected.Split(','), picked.Select(t => t.Name));
    }

    [Fact]
    public void Select_UnknownName_ListsTheTargetsThatExist()
    {
        var e = Assert.Throws<ArgumentException>(() => LoraTargets.Select(Encoder(), ["fc9"]));
        Assert.Contains("'fc9' matches nothing", e.Message);
        Assert.Contains("0.linear1", e.Message);
    }

    [Fact]
    public void Select_ModelWithoutLinearMaps_SaysLoraAdaptsLinearMaps()
    {
        var e = Assert.Throws<ArgumentException>(() => LoraTargets.Select(new Sequential(new ReLU()), ["all"]));
        Assert.Contains("no Linear or attention layer", e.Message);
    }

    [Fact]
    public void Parse_FullValue_ReadsRankAlphaAndTargets()
    {
        var o = LoraOptions.Parse("rank=4, alpha=12 ,targets=q+v");
        Assert.Equal(4, o.Rank);
        Assert.Equal(12, o.Alpha);
        Assert.Equal(["q", "v"], o.Selectors);
        Assert.Equal(3, o.Scale);
    }

    [Fact]
    public void Parse_RankOnly_DefaultsAlphaToTwiceTheRankAndTargetsToAll()
    {
        var o = LoraOptions.Parse("rank=8");
        Assert.Equal(16, o.Alpha);
        Assert.Equal(["all"], o.Selectors);
    }

    [Theory]
    [InlineData("rank=0", "rank must be in [1, 1024]")]
    [InlineData("rank=x", "not a whole number")]
    [InlineData("rank=8,alpha=-1", "alpha must be a finite number > 0")]
    [InlineData("rank=8,dropout=0.1", "unknown setting 'dropout=0.1'")]
    [InlineData("rank=8,targets=", "targets= is empty")]
    public void Parse_BadValue_NamesTheProblem(string text, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => LoraOptions.Parse(text));
        Assert.Contains(message, e.Message);
    }
}
