using Lepton.Data;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Import;
using Lepton.Factory.Loop;
using Lepton.Factory.Simulation;
using Lepton.Registry;
using Lepton.Registry.Datasets;
using Lepton.Registry.Datasets.Images;
using Lepton.Training.Callbacks;
using Lepton.Training.Tracking;
using Lepton.Training.Workflows;

namespace Lepton.Cli.Demo;

/// <summary>
/// The demo on Fashion-MNIST or a user's folder of images imported as a data set version: a recipe that suits the data,
/// held-out images as the client's traffic (raw pixels, as a client would send them), drifted by new lighting (washed out
/// and brighter) and a class mix that favours every other class.
/// </summary>
internal sealed record ImageDemoWorkload(
    string Model,
    string Description,
    ImageClassifierRecipe ChampionRecipe,
    InMemoryDataset TestImages,
    float RawScale,
    IReadOnlyList<double> DriftedClassMix,
    string DriftedClassesText,
    string BaseData,
    int BaseSampleSize) : IDemoWorkload
{
    /// <summary>A new lighting set-up: images washed out (lower contrast) and brighter.</summary>
    public static ImageDrift Drift { get; } = new(Contrast: 0.5, Brightness: 100);

    public string ChampionSummary => $"{ChampionRecipe.Model}, {ChampionRecipe.Epochs} epoch{(ChampionRecipe.Epochs == 1 ? "" : "s")}";

    public string DriftSummary => $"images {Drift}, {DriftedClassesText}";

    /// <summary>Fashion-MNIST from the Debian package (or <paramref name="options"/>' data folder): the small CNN, one epoch by default.</summary>
    public static async Task<ImageDemoWorkload> FashionMnistAsync(ModelRegistry registry, DemoOptions options, string actor, CancellationToken ct)
    {
        var dataset = await DatasetVersions.RecordFashionMnistAsync(registry.Store, options.DataDir, actor, ct);
        var recipe = new ImageClassifierRecipe(DataDir: options.DataDir, Model: "cnn", Epochs: options.Epochs ?? 1, Seed: 7);
        // The drifted client sells mostly tops: T-shirt, pullover, coat and shirt four times as often as the rest.
        return new ImageDemoWorkload("fashion",
            $"{dataset.Name}@{dataset.Version}: 60,000 training and 10,000 test images, content hash {dataset.ContentHash[..12]}",
            recipe, FashionMnist.Load(options.DataDir, train: false), 255f, [4, 1, 4, 1, 4, 1, 4, 1, 1, 1],
            "mostly tops", "fashion-mnist", 12_000);
    }

    /// <summary>
    /// A folder of images (class subfolders, the Keras train/validation/test layout or a manifest) imported as data set
    /// <c>images</c>: the preset chosen for its size (<c>auto</c>), ten epochs by default, traffic from its held-out test images.
    /// </summary>
    public static async Task<ImageDemoWorkload> ImageFolderAsync(ModelRegistry registry, DemoOptions options, string actor, IProgress<ImportProgress>? progress,
        CancellationToken ct)
    {
        const string name = "images";
        var (width, height) = options.ImageSize is { } size ? ImageImportOptions.ParseSize(size) : ((int?)null, (int?)null);
        var imported = await ImageDatasets.ImportAsync(registry.Store, registry.Artifacts, options.Images!, name,
            new ImageImportOptions(width, height), progress, actor, ct);
        string reference = $"{name}@{imported.Version.Version}";
        var manifest = imported.Manifest;
        if (manifest.Classes.Count < 2)
            throw new InvalidDataException($"{options.Images} holds {manifest.Classes.Count} class(es); the demo needs labelled images of at least two classes (one subfolder per class).");
        const int seed = 0; // the loop's base data holds out the same test images (ImageDatasetBaseData)
        var recipe = new ImageClassifierRecipe(Data: reference, Model: "auto", Epochs: options.Epochs ?? 10, BatchSize: 32, Seed: seed);
        var (train, _, test) = ImageTrainingData.Split(manifest, 0, seed);
        if (test.Count < 10)
            throw new InvalidDataException($"{reference} leaves {test.Count} held-out test images for the simulated client; import at least a few hundred labelled images.");
        using var version = await ImageDatasets.LoadAsync(registry.Store, registry.Artifacts, imported.Version, ct: ct);
        var raw = new ImageDataset(test, version.Pixels, manifest.Classes, Preprocessing.Identity);
        var batch = raw.GetBatch(Enumerable.Range(0, raw.Count).ToArray());
        var traffic = new InMemoryDataset(batch.Inputs, batch.Targets, manifest.Classes);
        // Every other class four times as often, so the prediction mix drifts as well as the pixels.
        var mix = manifest.Classes.Select((_, c) => c % 2 == 0 ? 4.0 : 1.0).ToArray();
        var favoured = string.Join(", ", manifest.Classes.Where((_, c) => c % 2 == 0).Take(4));
        var px = manifest.Pixels;
        return new ImageDemoWorkload(name,
            $"{reference} from {options.Images}: {manifest.Items.Count(i => i.IsReadable)} images of {manifest.Classes.Count} classes ({string.Join(", ", manifest.Classes.Take(6))}" +
            $"{(manifest.Classes.Count > 6 ? ", ..." : "")}), {train.Count} for training, {test.Count} held out; pixels {px.Width}x{px.Height}x{px.Channels}" +
            (imported.Existing ? "" : $"; {imported.Decoded} decoded"),
            recipe, traffic, 1f, mix, $"mostly {favoured}", reference, 4_000);
    }

    public async Task<DemoChampion> TrainChampionAsync(ModelRegistry registry, string folder, string actor, CancellationToken ct)
    {
        using var progress = new ProgressBar();
        var tracked = await TrackedTraining.RunAsync(ChampionRecipe, folder, registry, Model, actor, [progress], ct);
        return new DemoChampion(tracked.Registered!.Version, tracked.Outcome.TestReport!.Accuracy, tracked.RunId);
    }

    public TrafficSimulator Client(HttpClient http, bool drifted) => new(http, Model, TestImages, RawScale);

    public TrafficOptions Traffic(int requests, double feedbackFraction, bool drifted, ulong seed) => drifted
        ? new TrafficOptions(requests, FeedbackFraction: feedbackFraction, Drift: Drift, ClassWeights: DriftedClassMix, Seed: seed)
        : new TrafficOptions(requests, FeedbackFraction: feedbackFraction, Seed: seed);

    // The gate guards against forgetting on the base test set (no class's recall down by more than 15 points); on the
    // drifted holdout the champion's recall is inflated by over-predicting a few classes, so there accuracy decides.
    public LoopPolicy Policy(LoopPolicy common, DemoOptions options) => common with
    {
        DataDir = options.DataDir, BaseData = BaseData, Epochs = options.ChallengerEpochs, RecallCheckSets = RecallCheckSets.BaseTest,
        BaseSampleSize = BaseSampleSize, FeedbackRepeat = 5,
    };
}
