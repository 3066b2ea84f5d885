using System.Text.Json;
using Lepton.Data;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Store;
using Lepton.Runtime;
using Lepton.Training;
using Lepton.Training.Optimizers;
using Lepton.Training.Workflows;

namespace Lepton.Factory.Tests.Loop;

/// <summary>A throwaway registry (SQLite + artifact folder) with a tiny champion for the synthetic images at shapes@production.</summary>
internal sealed class LoopTestBed : IAsyncDisposable
{
    public const string Model = "shapes";
    private readonly string _root;
    private int _nextId;

    private LoopTestBed(string root, ModelRegistry registry, SyntheticBaseData baseData)
    {
        _root = root;
        Registry = registry;
        BaseData = baseData;
    }

    public ModelRegistry Registry { get; }

    public IRegistryStore Store => Registry.Store;

    public SyntheticBaseData BaseData { get; }

    public int ChampionVersion { get; private set; }

    public static async Task<LoopTestBed> CreateAsync(bool withChampion = true)
    {
        string root = Path.Combine(Path.GetTempPath(), "lepton-loop-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var store = await RegistryStoreFactory.OpenAsync($"sqlite:{Path.Combine(root, "registry.db")}");
        var registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(root, "artifacts"))));
        var bed = new LoopTestBed(root, registry, new SyntheticBaseData());
        if (withChampion) await bed.RegisterChampionAsync();
        return bed;
    }

    /// <summary>
    /// Trains the champion on undrifted data (a 64-32-3 MLP, seeded), registers it as v1 and promotes it to production; with
    /// <paramref name="temperature"/>, calibrated by it (as lepton models calibrate leaves a version); with <paramref name="setLevel"/>,
    /// answering prediction sets at that level (as lepton models intervals leaves one).
    /// </summary>
    public async Task RegisterChampionAsync(double? temperature = null, double? setLevel = null)
    {
        var splits = BaseData.Load();
        var model = new Sequential(new Flatten(), new Linear(64, 32, rng: new Generator(7)), new ReLU(), new Linear(32, 3, rng: new Generator(8)));
        var trainer = new Trainer(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: 0.01)), new CrossEntropyLoss());
        trainer.Fit(splits.Train, null, new FitOptions(Epochs: 5, BatchSize: 32, Seed: 3));
        string folder = Path.Combine(_root, "champion");
        var pre = SyntheticImages.Preprocessing;
        ModelFile.Save(folder, model, new ModelSpec
        {
            Input = new InputSpec("image", [-1, .. SyntheticImages.ExampleShape]),
            Preprocessing = new PreprocessingSpec(pre.Scale, [.. pre.Mean.Select(v => (double)v)], [.. pre.Std.Select(v => (double)v)]),
            ClassNames = SyntheticImages.Classes,
        });
        ModelReports.Write(folder, splits.Train, pre, trainer.Evaluate(splits.Test));
        if (temperature is { } t)
            new Lepton.Runtime.Calibration.ProbabilityCalibration("temperature", 3, [new Lepton.Runtime.Calibration.TemperatureScaling(t)]) { Source = "test", Rows = 1 }.SaveTo(folder);
        if (setLevel is { } level) new Lepton.Runtime.Conformal.ConformalIntervals("probability", level, 0.5) { Source = "test", Rows = 1 }.SaveTo(folder);
        var version = await Registry.RegisterAsync(Model, folder, null, "synthetic@1", "test");
        await Registry.PromoteAsync(Model, version.Version, "production", "test");
        ChampionVersion = version.Version;
    }

    /// <summary>
    /// Logs <paramref name="count"/> served predictions of drifted (inverted) images, answered by the champion, with their raw
    /// inputs, and feedback with the true labels (or with labels rotated by one class when <paramref name="wrongLabels"/>).
    /// </summary>
    public async Task<InMemoryDataset> AddDriftedFeedbackAsync(int count, ulong seed, bool inverted = true, bool rawInputs = true, bool wrongLabels = false)
    {
        var raw = SyntheticImages.Raw(count, seed, inverted);
        var champion = await Registry.ResolveAsync($"{Model}@production");
        var predictor = new ModelPredictor(ModelFile.Load(champion.Folder));
        var predicted = predictor.Logits(raw.Inputs).Argmax(-1).ToIntArray();
        var pixels = raw.Inputs.ToArray();
        var labels = raw.Targets.ToIntArray();
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        var records = new List<PredictionRecord>();
        for (int i = 0; i < count; i++)
        {
            string id = $"p{Interlocked.Increment(ref _nextId):D6}";
            string label = SyntheticImages.Classes[predicted[i]];
            string input = JsonSerializer.Serialize(pixels.AsSpan(i * 64, 64).ToArray());
            records.Add(new PredictionRecord(id, Model, champion.Version!.Version, at.AddSeconds(i), 1.0, label,
                """{"mean":0,"std":0,"min":0,"max":0}""", $$"""{"label":"{{label}}","index":{{predicted[i]}},"version":"{{champion.Version.Version}}","probabilities":[]}""",
                rawInputs ? input : null));
        }
        await Store.AppendPredictionsAsync(records);
        for (int i = 0; i < count; i++)
        {
            int truth = wrongLabels ? (labels[i] + 1) % 3 : labels[i];
            await Store.RecordFeedbackAsync(new FeedbackRecord(records[i].Id, Model, SyntheticImages.Classes[truth], at.AddSeconds(i + 1), "client"));
        }
        return raw;
    }

    /// <summary>
    /// Live traffic logged now for one version: <paramref name="requests"/> predictions of "top", the first
    /// <paramref name="errors"/> of them failed, and feedback for <paramref name="labels"/> of the rest, <paramref name="correct"/> of them agreeing.
    /// </summary>
    public async Task AddTrafficAsync(int version, int requests, int errors, int labels, int correct)
    {
        var now = DateTimeOffset.UtcNow;
        var records = new List<PredictionRecord>();
        for (int i = 0; i < requests; i++)
        {
            string id = $"live{Interlocked.Increment(ref _nextId):D6}";
            bool failed = i < errors;
            records.Add(new PredictionRecord(id, Model, version, now, 2.0, failed ? null : "top", """{"mean":100,"std":50,"min":0,"max":255}""",
                failed ? """{"error":"inference failed"}""" : $$"""{"label":"top","index":0,"version":"{{version}}","probabilities":[1,0,0]}"""));
        }
        await Store.AppendPredictionsAsync(records);
        foreach (var (record, i) in records.Skip(errors).Take(labels).Select((r, i) => (r, i)))
            await Store.RecordFeedbackAsync(new FeedbackRecord(record.Id, Model, i < correct ? "top" : "middle", now, "client"));
    }

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }
}
