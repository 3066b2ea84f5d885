using Lepton.Registry.References;

namespace Lepton.Registry.Tests.References;

/// <summary>The naming rule for models and aliases.</summary>
public sealed class ModelNameTests
{
    [Theory]
    [InlineData("cnn")]
    [InlineData("fashion-mnist_cnn.v2")]
    [InlineData("..model")]
    [InlineData("a..b")]
    [InlineData(".hidden")]
    [InlineData("A")]
    [InlineData("123")]
    public void AcceptsPlainFileNames(string name)
    {
        ModelName.Validate(name);
        Assert.True(ModelName.IsValid(name));
    }

    [Fact]
    public void AcceptsExactlyTheMaximumLength()
    {
        ModelName.Validate(new string('m', 128));
        Assert.Contains("129 characters", Assert.Throws<ModelNameException>(() => ModelName.Validate(new string('m', 129))).Message);
    }

    public static TheoryData<string, string> Hostile => new()
    {
        { "", "cannot be empty" },
        { ".", "'.' and '..' name folders" },
        { "..", "'.' and '..' name folders" },
        { "../x", "character '/' at position 3" },
        { "a/b", "character '/' at position 2" },
        { "a\\b", "character '\\' at position 2" },
        { "%2e%2e", "character '%' at position 1" },
        { "x;y", "character ';' at position 2" },
        { "with space", "character U+0020 at position 5" },
        { "tab\there", "character U+0009 at position 4" },
        { "bell\u0007", "character U+0007 at position 5" },
        { "nul\0", "character U+0000 at position 4" },
        { "del\u007f", "character U+007F at position 4" },
        { "c1\u0085", "character U+0085 at position 3" },
        { "caf\u00e9", "character U+00E9 at position 4" },
        { "x@y", "character '@' at position 2" },
        { "$(rm)", "character '$' at position 1" },
        { new string('a', 300), "300 characters" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void RejectsHostileNamesNamingTheCharacterAndTheRule(string name, string expected)
    {
        var e = Assert.Throws<ModelNameException>(() => ModelName.Validate(name));
        Assert.Contains(expected, e.Message);
        Assert.Contains("ASCII letters, digits, '-', '_' and '.'", e.Message);
        Assert.False(ModelName.IsValid(name));
        Assert.DoesNotContain('\0', e.Message);
        Assert.DoesNotContain('\u0007', e.Message);
    }

    [Fact]
    public void AliasErrorsSayAlias()
    {
        Assert.StartsWith("Invalid alias", Assert.Throws<ModelNameException>(() => ModelName.Validate("pro duction", "alias")).Message);
    }
}
