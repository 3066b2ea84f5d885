using Lepton.Registry.References;

namespace Lepton.Registry.Tests.References;

/// <summary>Parsing name, name@3, name@alias and folder references, with hostile input refused before any probe.</summary>
public sealed class ModelReferenceTests
{
    [Theory]
    [InlineData("cnn", ModelReferenceKind.Latest, "cnn", null, null)]
    [InlineData("cnn@3", ModelReferenceKind.Version, "cnn", 3, null)]
    [InlineData("cnn@production", ModelReferenceKind.Alias, "cnn", null, "production")]
    [InlineData("..model@2", ModelReferenceKind.Version, "..model", 2, null)]
    [InlineData("cnn@v2", ModelReferenceKind.Alias, "cnn", null, "v2")]
    public void ParsesRegistryReferencesWithoutTouchingTheFileSystemUnlessDotted(string text, ModelReferenceKind kind, string name,
        int? version, string? alias)
    {
        var probe = new RecordingFolderProbe();
        var r = ModelReference.Parse(text, probe);
        Assert.Equal(new ModelReference(kind, name, version, alias, null), r);
        Assert.Equal(text, r.ToString());
        if (!text.StartsWith('.')) Assert.Empty(probe.Probed);
    }

    [Fact]
    public void LatestAfterTheAtNamesTheNewestVersionOfModelsAndDataSets()
    {
        Assert.Equal(new ModelReference(ModelReferenceKind.Latest, "cnn", null, null, null), ModelReference.Parse("cnn@latest", new RecordingFolderProbe()));
        Assert.Equal(new DatasetReference("houses", null), DatasetReference.Parse("houses@latest"));
        Assert.Equal(new DatasetReference("houses", 2), DatasetReference.Parse("houses@2"));
    }

    [Fact]
    public void FoldersAreRecognizedByPathShape()
    {
        Assert.Equal(ModelReferenceKind.Folder, ModelReference.Parse("./cnn", new RecordingFolderProbe()).Kind);
        var probe = new RecordingFolderProbe("/models/cnn", "models/cnn", "..model");
        Assert.Equal("/models/cnn", ModelReference.Parse("/models/cnn", probe).FolderPath);
        Assert.Equal("models/cnn", ModelReference.Parse("models/cnn", probe).FolderPath);
        Assert.Equal(ModelReferenceKind.Folder, ModelReference.Parse("..model", probe).Kind);
        Assert.Equal(ModelReferenceKind.Latest, ModelReference.Parse(".other", probe).Kind);
    }

    [Fact]
    public void ASlashedPathThatIsNotAFolderIsRejected()
    {
        var probe = new RecordingFolderProbe();
        var e = Assert.Throws<ModelNameException>(() => ModelReference.Parse("a/b", probe));
        Assert.Contains("no folder", e.Message);
        Assert.Equal(["a/b"], probe.Probed);
    }

    [Fact]
    public void HomePathsExpand()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var probe = new RecordingFolderProbe(Path.Combine(home, "cnn"));
        Assert.Equal(Path.Combine(home, "cnn"), ModelReference.Parse("~/cnn", probe).FolderPath);
        Assert.Throws<ModelNameException>(() => ModelReference.Parse("~root/x", probe));
    }

    public static TheoryData<string, string> Hostile => new()
    {
        { "", "cannot be empty" },
        { "../x", "'..' segments are not allowed" },
        { "./../x", "'..' segments are not allowed" },
        { "/models/../../etc", "'..' segments are not allowed" },
        { "..\\x", "'..' segments are not allowed" },
        { "..", "'.' and '..' name folders" },
        { ".", "'.' and '..' name folders" },
        { "%2e%2e", "character '%'" },
        { "%2e%2e/x", "'%' at position 1" },
        { "x;y", "character ';'" },
        { "x;y@3", "character ';'" },
        { new string('a', 300), "300 characters" },
        { "a\u0007b", "control character" },
        { "./a\0b", "control character" },
        { "cnn@", "nothing follows '@'" },
        { "cnn@0", "versions are whole numbers" },
        { "cnn@99999999999", "versions are whole numbers" },
        { "cnn@prod;rm", "Invalid alias" },
        { "cnn@a@b", "character '@'" },
        { "caf\u00e9", "U+00E9" },
        { new string('a', 5000), "the limit is 4096" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileReferencesAreRejectedBeforeAnyFileSystemAccess(string text, string expected)
    {
        var probe = new RecordingFolderProbe(text); // even were it a folder, it must never be asked about
        var e = Assert.Throws<ModelNameException>(() => ModelReference.Parse(text, probe));
        Assert.Contains(expected, e.Message);
        Assert.Empty(probe.Probed);
        Assert.False(ModelReference.TryParse(text, out _, out var error, probe));
        Assert.Equal(e.Message, error);
    }

    [Fact]
    public void RealFileSystemIsLeftUntouchedByHostileInput()
    {
        var root = Path.Combine(Path.GetTempPath(), "lepton-ref-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "work"));
        var before = Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories);
        try
        {
            foreach (var text in new[] { root + "/work/../x", "..", "%2e%2e", "x;y", root + "/%2e%2e" })
                Assert.Throws<ModelNameException>(() => ModelReference.Parse(text));
            Assert.Equal(before, Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
