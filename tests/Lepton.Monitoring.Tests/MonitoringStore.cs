using System.Globalization;
using Lepton.Data.Profiles;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;

namespace Lepton.Monitoring.Tests;

/// <summary>
/// A registry in a temporary folder (SQLite store, file artifacts) holding model "tiny" (classes cat/dog/bird) at
/// versions 1 and 2, both with a reference profile whose input means are 0..99 (std 10, min 0, max 255 for every example)
/// and whose labels and predictions are a third per class; plus helpers that log predictions and feedback directly.
/// </summary>
public sealed class MonitoringStore : IAsyncDisposable
{
    public const string Model = "tiny";
    public static readonly string[] Classes = ["cat", "dog", "bird"];
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _home = Path.Combine(Path.GetTempPath(), "lepton-monitoring-tests", Guid.NewGuid().ToString("N"));

    private MonitoringStore(ModelRegistry registry) => Registry = registry;

    public ModelRegistry Registry { get; private set; }

    public IRegistryStore Store => Registry.Store;

    /// <summary>The reference input means of every version: 0, 1, ..., 99.</summary>
    public static double[] ReferenceMeans { get; } = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();

    public static async Task<MonitoringStore> CreateAsync(bool withReference = true)
    {
        var fixture = new MonitoringStore(null!);
        Directory.CreateDirectory(fixture._home);
        var store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(fixture._home, "registry.db"));
        fixture.Registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(fixture._home, "artifacts"))),
            new ModelPackageOptions(CacheRoot: Path.Combine(fixture._home, "cache")));
        for (int v = 1; v <= 2; v++)
        {
            string folder = WriteTinyModel(Path.Combine(fixture._home, $"tiny-{v}"), seed: (ulong)v, withReference);
            await fixture.Registry.RegisterAsync(Model, folder, null, null, "test");
        }
        return fixture;
    }

    private static string WriteTinyModel(string dir, ulong seed, bool withReference)
    {
        var model = new Sequential(new Flatten(), new Linear(4, 3, rng: new Generator(seed)));
        ModelFile.Save(dir, model, new ModelSpec
        {
            Input = new InputSpec("image", [-1, 1, 2, 2]),
            Preprocessing = new PreprocessingSpec(Scale: 1.0 / 255),
            ClassNames = Classes,
        });
        if (withReference)
        {
            var examples = ReferenceMeans.Select(m => new ExampleStatistics(m, 10, 0, 255)).ToArray();
            ReferenceProfile.Build(examples, Classes, [10, 10, 10], [10, 10, 10]).Save(dir);
        }
        return dir;
    }

    /// <summary>A logged prediction (PredictedLabel null and an error output when <paramref name="error"/>).</summary>
    public static PredictionRecord Prediction(string id, int? version, DateTimeOffset at, double latencyMs, string? label, double mean = 50,
        bool error = false) =>
        new(id, Model, version, at, latencyMs, error ? null : label,
            string.Create(CultureInfo.InvariantCulture, $"{{\"mean\":{mean},\"std\":10,\"min\":0,\"max\":255}}"),
            error ? $"{{\"error\":\"boom\",\"version\":\"{version}\"}}" : $"{{\"label\":\"{label}\",\"index\":0,\"version\":\"{version}\",\"probabilities\":[1,0,0]}}");

    /// <summary>
    /// Registers version 1 of <paramref name="name"/>: a one-layer model with <paramref name="outputs"/> outputs whose model.json
    /// records <paramref name="task"/>, <paramref name="classNames"/> and <paramref name="metadata"/> (no reference profile).
    /// </summary>
    public async Task RegisterTaskModelAsync(string name, TaskSpec task, IReadOnlyList<string> classNames, int outputs, System.Text.Json.Nodes.JsonObject? metadata = null)
    {
        string dir = Path.Combine(_home, name);
        ModelFile.Save(dir, new Sequential(new Flatten(), new Linear(4, outputs, rng: new Generator(7))), new ModelSpec
        {
            Input = new InputSpec("image", [-1, 1, 2, 2]),
            Task = task,
            ClassNames = classNames,
            Metadata = metadata,
        });
        await Registry.RegisterAsync(name, dir, null, null, "test");
    }

    /// <summary>
    /// A prediction of <paramref name="model"/> version 1 at <paramref name="at"/> whose logged label text is
    /// <paramref name="label"/> (any task's form), each labelled with <paramref name="truth"/> a second later.
    /// </summary>
    public Task LogLabelledAsync(string model, DateTimeOffset at, params (string Label, string Truth)[] rows) =>
        LogLabelledRowsAsync(model, at, [.. rows.Select(r => (r.Label, r.Truth, (string?)null))]);

    /// <summary>As <see cref="LogLabelledAsync"/>, each prediction logged with the table row it was asked about (raw input JSON).</summary>
    public async Task LogLabelledRowsAsync(string model, DateTimeOffset at, params (string Label, string Truth, string? Row)[] rows)
    {
        var records = rows.Select((r, i) => new PredictionRecord($"{model}-{at.UtcTicks}-{i}", model, 1, at.AddMilliseconds(i), 1, r.Label,
            r.Row is null ? "{}" : Lepton.Serving.Logging.LoggedRow.StatisticsJson, System.Text.Json.JsonSerializer.Serialize(new { label = r.Label, version = "1" }), r.Row)).ToArray();
        await Store.AppendPredictionsAsync(records);
        for (int i = 0; i < rows.Length; i++)
            await Store.RecordFeedbackAsync(new FeedbackRecord($"{model}-{at.UtcTicks}-{i}", model, rows[i].Truth, at.AddSeconds(1), "test"));
    }

    public Task LogAsync(params PredictionRecord[] predictions) => Store.AppendPredictionsAsync(predictions);

    public Task LabelAsync(string predictionId, string label, DateTimeOffset at) =>
        Store.RecordFeedbackAsync(new FeedbackRecord(predictionId, Model, label, at, "test"));

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
