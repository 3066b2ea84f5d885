using Lepton.Data;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;
using Lepton.Reports.Evaluation;

namespace Lepton.Reports.Tests;

/// <summary>
/// A registry in a temporary folder with the patch model "patches" registered from a run with three epochs of loss and
/// accuracy, trained on dataset version patches@2 (parent patches@1); a second, blunter model as a plain folder; and 900
/// test-made images of 4 classes, every third one in the test split. Both reports are built once for the tests to read.
/// </summary>
public sealed class ReportFixture : IAsyncLifetime
{
    public const int Classes = 4, Side = 16, Examples = 900;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "lepton-report-tests", Guid.NewGuid().ToString("N"));

    public ModelRegistry Registry { get; private set; } = null!;

    public ReportData Data { get; private set; } = null!;

    public InMemoryDataset Raw { get; private set; } = null!;

    public ReportModel Sharp { get; private set; } = null!;

    public ReportModel Blunt { get; private set; } = null!;

    public string RunId { get; private set; } = "";

    public EvaluationReport Report { get; private set; } = null!;

    public ComparisonReport Comparison { get; private set; } = null!;

    public static ReportOptions Options { get; } = new(BootstrapResamples: 200, Seed: 3);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(Root, "registry.db"));
        Registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(Root, "artifacts"))),
            new ModelPackageOptions(CacheRoot: Path.Combine(Root, "cache")));
        await store.AddDatasetVersionAsync("patches", new string('1', 64), "{}", "{}", "{}", null, "test");
        await store.AddDatasetVersionAsync("patches", new string('2', 64), "{}", "{}", "{}", 1, "test");
        var run = await store.StartRunAsync("train patches", "{\"epochs\":3,\"lr\":0.001}", "test-host", "abc1234", "patches@2", 42, "test");
        RunId = run.Id;
        double[] loss = [1.2, 0.7, 0.5], accuracy = [0.55, 0.75, 0.8], valAccuracy = [0.5, 0.7, 0.78];
        for (int epoch = 1; epoch <= 3; epoch++)
            await store.LogMetricsAsync(run.Id, epoch, new Dictionary<string, double>
            {
                ["loss"] = loss[epoch - 1], ["accuracy"] = accuracy[epoch - 1], ["val_accuracy"] = valAccuracy[epoch - 1],
            });
        await store.LogMetricsAsync(run.Id, 4, new Dictionary<string, double> { ["test_accuracy"] = 0.8 });
        await store.EndRunAsync(run.Id, RunStatus.Completed, null, "test");
        string sharpFolder = PatchImages.WriteModel(Path.Combine(Root, "sharp"), Classes, Side, sharpness: 12);
        await Registry.RegisterAsync("patches", sharpFolder, run.Id, "patches@2", "test");
        var resolved = await Registry.ResolveAsync("patches@1");
        Sharp = new ReportModel("patches@1", resolved.Folder, resolved.Version);
        Blunt = new ReportModel("blunt", PatchImages.WriteModel(Path.Combine(Root, "blunt"), Classes, Side, sharpness: 4));

        Raw = PatchImages.Make(Examples, Classes, Side, seed: 11);
        Data = new ReportData("patches (test-made)", Raw, [.. Enumerable.Range(0, Examples).Select(i => i % 3 == 0 ? "test" : "train")], "test", "patches@2");
        Report = await ReportWorkflow.EvaluateAsync(Sharp, Data, Registry.Store, Options);
        Comparison = await ReportWorkflow.CompareAsync(Sharp, Blunt, Data, Registry.Store, Options);
    }

    /// <summary>The headline (test split) examples as their own data set.</summary>
    public InMemoryDataset HeadlineSet()
    {
        var indices = Data.HeadlineIndices.ToArray();
        var batch = Raw.GetBatch(indices);
        return new InMemoryDataset(batch.Inputs, batch.Targets, Raw.ClassNames);
    }

    public async Task DisposeAsync()
    {
        if (Registry is not null) await Registry.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
