using Lepton.Compression.Tuning.Space;

namespace Lepton.Compression.Tests.Tuning;

public sealed class SearchSpaceYamlTests
{
    private const string Space = """
        lr: {type: float, low: 1e-4, high: 1e-1, log: true}
        momentum: {type: uniform, low: 0.8, high: 0.99}
        weight_decay: {type: loguniform, low: 1e-6, high: 1e-3}
        depth: {type: int, low: 2, high: 4}
        batch_size: [32, 64, 128]
        optimizer: {type: categorical, choices: [adam, sgd]}
        """;

    [Fact]
    public void Parse_EveryKind_ReadsBoundsScalesAndChoices()
    {
        var space = SearchSpaceYaml.Parse(Space);
        Assert.Equal(["lr", "momentum", "weight_decay", "depth", "batch_size", "optimizer"], space.Parameters.Select(p => p.Name));
        Assert.Equal(SearchParameter.Float("lr", 1e-4, 1e-1, log: true), space["lr"] with { Choices = null });
        Assert.False(space["momentum"].Log);
        Assert.True(space["weight_decay"].Log);
        Assert.Equal((ParameterKind.Int, 2.0, 4.0), (space["depth"].Kind, space["depth"].Low, space["depth"].High));
        Assert.Equal(["32", "64", "128"], space["batch_size"].Choices!);
        Assert.Equal(["adam", "sgd"], space["optimizer"].Choices!);
    }

    [Fact]
    public void Fingerprint_SameParametersOtherSpacing_Equal_OtherBound_Differs()
    {
        var a = SearchSpaceYaml.Parse("lr: {type: float, low: 0.001, high: 0.1, log: true}\nopt: [adam, sgd]");
        var b = SearchSpaceYaml.Parse("lr:   { type: float,  low: 1e-3, high: 1e-1, log: true }\nopt:\n  - adam\n  - sgd\n");
        var c = SearchSpaceYaml.Parse("lr: {type: float, low: 0.001, high: 0.2, log: true}\nopt: [adam, sgd]");
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, c.Fingerprint);
    }

    [Theory]
    [InlineData("lr: {type: float, low: 0, high: 1, log: true}", "log scale needs low > 0")]
    [InlineData("lr: {type: gaussian, low: 0, high: 1}", "unknown type 'gaussian'")]
    [InlineData("lr: {type: float, low: 1, high: 0}", "low <= high")]
    [InlineData("lr: {type: float, low: 0, hi: 1}", "unknown key 'hi'")]
    [InlineData("lr: {type: float, low: 0}", "needs 'high'")]
    [InlineData("depth: {type: int, low: 1.5, high: 3}", "whole bounds")]
    [InlineData("opt: [adam, adam]", "choices repeat")]
    [InlineData("- lr", "mapping of parameter names")]
    [InlineData("lr: 0.1", "list of choices or a mapping")]
    public void Parse_BadParameter_ThrowsNamingTheProblem(string yaml, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => SearchSpaceYaml.Parse(yaml));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void FromInternal_IntParameter_RoundsAndStaysInBounds()
    {
        var p = SearchParameter.Int("depth", 2, 4);
        var (lo, hi) = p.Internal;
        Assert.Equal(2, p.FromInternal(lo));
        Assert.Equal(4, p.FromInternal(hi));
        Assert.Equal(3, p.FromInternal(3.4));
    }
}
