using Lepton.Data;
using Lepton.Data.Images.Datasets;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Datasets;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Data;

/// <summary>
/// The labelled images a compression step fine-tunes and measures on, normalized with the model's own stored preprocessing
/// (not recomputed: the compressed model must take exactly the inputs its source took): Fashion-MNIST's train and test
/// splits, or an image data set version (NAME@V) split as <c>lepton train</c> splits it. Dispose to close the version's shards.
/// </summary>
public sealed class CompressionData : IDisposable
{
    private readonly IDisposable? _owner;

    private CompressionData(IDataset train, IDataset validation, IDataset test, string reference, IDisposable? owner)
    {
        (Train, Validation, Test, Reference, _owner) = (train, validation, test, reference, owner);
    }

    public IDataset Train { get; }

    public IDataset Validation { get; }

    public IDataset Test { get; }

    /// <summary>The data set version read (<c>fashion-mnist@1</c>, <c>shapes@2</c>), for lineage.</summary>
    public string Reference { get; }

    /// <summary>Loads <paramref name="data"/> for a model whose model.json is <paramref name="model"/>.</summary>
    public static async Task<CompressionData> LoadAsync(string data, string? dataDir, ModelRegistry registry, ModelSpec model, string actor,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(data);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(model);
        var pre = PreprocessingOf(model);
        if (string.Equals(data, "fashion-mnist", StringComparison.OrdinalIgnoreCase))
        {
            CheckInput(model, 1, 28, 28, "fashion-mnist");
            var version = await DatasetVersions.RecordFashionMnistAsync(registry.Store, dataDir, actor, ct);
            var train = FashionMnistSplit(dataDir, train: true, pre);
            var test = FashionMnistSplit(dataDir, train: false, pre);
            return new CompressionData(train, test, test, $"{version.Name}@{version.Version}", null);
        }
        if (Directory.Exists(data))
            throw new ArgumentException($"--data {data} is a folder; import it first (lepton data import {data} --name NAME) and pass --data NAME@1.");
        var images = await ImageDatasets.LoadAsync(registry.Store, registry.Artifacts, DatasetReference.Parse(data), ct: ct);
        try
        {
            string reference = $"{images.Version.Name}@{images.Version.Version}";
            var layout = images.Pixels.Layout;
            CheckInput(model, layout.Channels, layout.Height, layout.Width, reference);
            var classes = images.Manifest.Classes;
            if (model.ClassNames.Count > 0 && !model.ClassNames.SequenceEqual(classes))
                throw new ArgumentException(
                    $"--data {reference} has classes [{string.Join(", ", classes)}] but the model predicts [{string.Join(", ", model.ClassNames)}]; compress on the data set the model was trained on.");
            var (trainItems, validationItems, testItems) = ImageTrainingData.Split(images.Manifest, 0, 0);
            if (trainItems.Count == 0 || testItems.Count == 0)
                throw new InvalidDataException($"{reference} needs training and test images; it has {trainItems.Count} and {testItems.Count}. Assign splits with lepton data split.");
            return new CompressionData(new ImageDataset(trainItems, images.Pixels, classes, pre), new ImageDataset(validationItems, images.Pixels, classes, pre),
                new ImageDataset(testItems, images.Pixels, classes, pre), reference, images);
        }
        catch
        {
            images.Dispose();
            throw;
        }
    }

    /// <summary>The model's stored preprocessing of its first input as the data pipeline's (identity when it stores none).</summary>
    public static Preprocessing PreprocessingOf(ModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.PreprocessingOf(0) is { } p
            ? new Preprocessing((float)p.Scale, p.Mean?.Select(v => (float)v).ToArray() ?? [], p.Std?.Select(v => (float)v).ToArray() ?? [])
            : Preprocessing.Identity;
    }

    // The loader scales pixels to [0, 1]; back to raw 0..255, then the model's own preprocessing.
    private static InMemoryDataset FashionMnistSplit(string? dataDir, bool train, Preprocessing pre)
    {
        var raw = FashionMnist.Load(dataDir, train);
        return new InMemoryDataset(pre.Apply(raw.Inputs.Mul(255.0)), raw.Targets, raw.ClassNames);
    }

    private static void CheckInput(ModelSpec model, int channels, int height, int width, string data)
    {
        var shape = model.Input.Shape;
        if (shape.Length == 4 && shape[1] == channels && (shape[2] == height || shape[2] == -1) && (shape[3] == width || shape[3] == -1)) return;
        throw new ArgumentException(
            $"--data {data} holds {channels}x{height}x{width} images but the model takes input [{string.Join(", ", shape)}]; compress on the data set the model was trained on.");
    }

    public void Dispose() => _owner?.Dispose();
}
