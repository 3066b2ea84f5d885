using Lepton.Registry.Store;

namespace Lepton.Registry.Tests.Store;

public sealed class LeptonYamlSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lepton-yaml-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string text)
    {
        var path = Path.Combine(_dir, LeptonYamlSettings.FileName);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void ReadsTheTopLevelStoreKey() =>
        Assert.Equal("postgres://lepton:pw@127.0.0.1:5432/lepton", LeptonYamlSettings.Store(Write("name: demo\nstore: postgres://lepton:pw@127.0.0.1:5432/lepton\nsteps: []\n")));

    [Fact]
    public void AbsentFileOrKeyMeansNoSetting()
    {
        Assert.Null(LeptonYamlSettings.Store(Path.Combine(_dir, "missing.yaml")));
        Assert.Null(LeptonYamlSettings.Store(Write("name: demo\n")));
    }

    [Fact]
    public void BadYamlOrAnEmptyStoreIsAClearError()
    {
        Assert.Contains("not valid YAML", Assert.Throws<InvalidDataException>(() => LeptonYamlSettings.Store(Write("store: [unclosed\n"))).Message);
        Assert.Contains("'store' must be a connection string", Assert.Throws<InvalidDataException>(() => LeptonYamlSettings.Store(Write("store:\n  a: b\n"))).Message);
    }
}
