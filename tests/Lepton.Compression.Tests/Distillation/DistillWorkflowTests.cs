using Lepton.Compression.Distillation;
using Lepton.Compression.Tests.Support;
using Lepton.NN.Serialization;

namespace Lepton.Compression.Tests.Distillation;

public sealed class DistillWorkflowTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-distill-" + Guid.NewGuid().ToString("N"));

    private TeacherModel Save(string name, ModelSpec spec)
    {
        string dir = Path.Combine(_root, name);
        ModelFile.Save(dir, TestModels.Preset("mlp", 8), spec);
        return new TeacherModel(dir, name);
    }

    [Fact]
    public void LoadTeachers_DifferentClasses_ThrowsNamingBothTeachers()
    {
        var a = Save("a", TestModels.ImageSpec(size: 8));
        var b = Save("b", TestModels.ImageSpec(size: 8) with { ClassNames = [.. Enumerable.Range(0, 10).Select(i => $"other{i}")] });

        var e = Assert.Throws<ArgumentException>(() => DistillWorkflow.LoadTeachers([a, b]));

        Assert.Contains("Teachers a and b predict different classes", e.Message);
    }

    [Fact]
    public void LoadTeachers_DifferentPreprocessing_Throws()
    {
        var a = Save("a", TestModels.ImageSpec(size: 8) with { Preprocessing = new PreprocessingSpec(1 / 255.0, [0.5], [0.25]) });
        var b = Save("b", TestModels.ImageSpec(size: 8) with { Preprocessing = new PreprocessingSpec(1 / 255.0, [0.2], [0.25]) });

        var e = Assert.Throws<ArgumentException>(() => DistillWorkflow.LoadTeachers([a, b]));

        Assert.Contains("normalize their inputs differently", e.Message);
    }

    [Fact]
    public void LoadTeachers_MatchingTeachers_LoadsEach()
    {
        var spec = TestModels.ImageSpec(size: 8);

        var loaded = DistillWorkflow.LoadTeachers([Save("a", spec), Save("b", spec)]);

        Assert.Equal(2, loaded.Count);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
