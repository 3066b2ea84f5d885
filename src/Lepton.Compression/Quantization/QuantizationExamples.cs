using Lepton.Data;
using Lepton.Data.Images.Datasets;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Datasets;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Quantization;

/// <summary>
/// Labelled examples as a server receives them (raw pixels, before the model's own preprocessing) to calibrate int8 ranges on
/// and to score the float and int8 models on: an image data set version's training and held-out images, or Fashion-MNIST's
/// training and test sets. Labels index <see cref="Classes"/>.
/// </summary>
internal sealed class QuantizationExamples : IDisposable
{
    private readonly IDisposable? _owner;

    private QuantizationExamples(string reference, string evaluatedOn, IReadOnlyList<string> classes, IDataset calibration, IDataset evaluation,
        IDisposable? owner) =>
        (Reference, EvaluatedOn, Classes, Calibration, Evaluation, _owner) = (reference, evaluatedOn, classes, calibration, evaluation, owner);

    /// <summary>The data set version read (<c>shapes@2</c>, <c>fashion-mnist@1</c>), for lineage and reports.</summary>
    public string Reference { get; }

    /// <summary>What the scores are on, in words (the test split, or the held-out share).</summary>
    public string EvaluatedOn { get; }

    public IReadOnlyList<string> Classes { get; }

    /// <summary>The sampled calibration images (raw pixels).</summary>
    public IDataset Calibration { get; }

    /// <summary>The held-out images to score on (raw pixels).</summary>
    public IDataset Evaluation { get; }

    /// <summary>
    /// <paramref name="reference"/> as a data set: <c>fashion-mnist</c> (any version of it) reads the IDX files; anything else is
    /// an image data set version, split as the model's training split it (<paramref name="trainingSplit"/>).
    /// </summary>
    public static async Task<QuantizationExamples> LoadAsync(ModelRegistry registry, string reference, string? dataDir, ModelSpec model,
        (double Share, int Seed) trainingSplit, int samples, ulong seed, string actor, CancellationToken ct)
    {
        if (IsFashionMnist(reference))
        {
            var shape = model.Input.Shape;
            if (!(shape.Length == 4 && shape[1] == 1 && shape[2] is 28 or -1 && shape[3] is 28 or -1))
                throw new ArgumentException($"--calibration {reference} holds 1x28x28 images but the model takes input [{string.Join(", ", shape)}]; calibrate on the data set the model was trained on.");
            var version = await DatasetVersions.RecordFashionMnistAsync(registry.Store, dataDir, actor, ct);
            var train = FashionMnist.Load(dataDir, train: true);
            var test = Raw(FashionMnist.Load(dataDir, train: false));
            // The sample first, then its pixels scaled: not all 60,000 images for a few hundred.
            return new QuantizationExamples($"{version.Name}@{version.Version}", "test split", FashionMnist.ClassNames,
                Raw(Subset(train, Sample(train.Count, samples, seed))), test, null);
        }
        var images = await ImageDatasets.LoadAsync(registry.Store, registry.Artifacts, DatasetReference.Parse(reference), ct: ct);
        try
        {
            string name = $"{images.Version.Name}@{images.Version.Version}";
            var classes = images.Manifest.Classes;
            // The images training held out (its test split, or the share it kept out by path hash) are the ones to score on;
            // calibration draws from what it trained on.
            var (training, _, evaluation) = ImageTrainingData.Split(images.Manifest, trainingSplit.Share, trainingSplit.Seed);
            if (training.Count == 0 || evaluation.Count == 0)
                throw new InvalidDataException($"{name} has no readable, labelled images to calibrate and evaluate on ({training.Count} to train, {evaluation.Count} held out); see lepton data inspect {name}.");
            var calibration = Sample(training.Count, samples, seed).Select(i => training[i]).ToList();
            string evaluatedOn = images.Manifest.Items.Any(i => i.Split == ImageSplits.Test)
                ? "test split"
                : $"held-out test share, by path hash with seed {trainingSplit.Seed} as training holds it out";
            return new QuantizationExamples(name, evaluatedOn, classes,
                new ImageDataset(calibration, images.Pixels, classes, Preprocessing.Identity),
                new ImageDataset(evaluation, images.Pixels, classes, Preprocessing.Identity), images);
        }
        catch
        {
            images.Dispose();
            throw;
        }
    }

    /// <summary><paramref name="data"/> in batches of <paramref name="batchSize"/>, in order: raw inputs and class ids.</summary>
    public static IEnumerable<Batch> Batches(IDataset data, int batchSize)
    {
        var indices = new int[Math.Min(batchSize, Math.Max(1, data.Count))];
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            for (int i = 0; i < count; i++) indices[i] = start + i;
            var batch = data.GetBatch(indices.AsSpan(0, count));
            yield return batch with { Inputs = batch.Inputs.Contiguous() };
        }
    }

    public void Dispose() => _owner?.Dispose();

    private static bool IsFashionMnist(string reference) =>
        reference.Split('@')[0].Equals("fashion-mnist", StringComparison.OrdinalIgnoreCase);

    // Fashion-MNIST loads in [0, 1]; a server receives pixel values.
    private static InMemoryDataset Raw(InMemoryDataset data) => new(data.Inputs.Mul(255.0), data.Targets, data.ClassNames);

    private static InMemoryDataset Subset(InMemoryDataset data, int[] rows)
    {
        var batch = data.GetBatch(rows);
        return new InMemoryDataset(batch.Inputs, batch.Targets, data.ClassNames);
    }

    // A seeded shuffle, so the same request calibrates on the same images.
    private static int[] Sample(int count, int samples, ulong seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        var rng = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        rng.Shuffle(order);
        return order[..Math.Min(samples, count)];
    }
}
