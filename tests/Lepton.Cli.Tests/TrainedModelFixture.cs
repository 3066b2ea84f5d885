namespace Lepton.Cli.Tests;

/// <summary>A synthetic data set and an MLP trained on it with <c>lepton train</c>, shared by the CLI tests.</summary>
public sealed class TrainedModelFixture : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "lepton-cli-tests-" + Guid.NewGuid().ToString("N"));

    public string DataDir => Path.Combine(Root, "data");

    public string ModelDir => Path.Combine(Root, "model");

    public (int Code, string Out, string Err) TrainResult { get; private set; }

    /// <summary>LEPTON_HOME of every CLI run in these tests: the registry store and artifacts live here.</summary>
    public string Home => Path.Combine(Root, "home");

    public async Task InitializeAsync()
    {
        // The CLI reads these process-wide; CLI runs in this assembly never overlap (see CliRun).
        Environment.SetEnvironmentVariable("LEPTON_HOME", Home);
        Environment.SetEnvironmentVariable("LEPTON_STORE", null);
        SyntheticFashionMnist.Create(DataDir);
        TrainResult = await CliRun.Invoke("train", "--data-dir", DataDir, "--model", "mlp", "--epochs", "3", "--batch-size", "32",
            "--out", ModelDir, "--seed", "3", "--register", "synthetic");
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}
