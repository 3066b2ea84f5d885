using Lepton.Data;
using Lepton.Data.Images.Augmentation;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Splits;
using Lepton.NN.Serialization;

namespace Lepton.Training.Workflows;

/// <summary>
/// The splits of an image data set version for training: the manifest's train, validation and test items (a stable-hash
/// share of the training items stands in for a missing validation or test split), normalized with the training split's
/// per-channel statistics, and augmented (training batches only) as the recipe says. The model records the same input
/// size, channels, resize policy and normalization, so serving replays them on any image.
/// </summary>
public static class ImageTrainingData
{
    /// <summary>The share of training items held out for a split the data set lacks.</summary>
    public const double HeldOutShare = 0.15;

    internal static TrainingData Load(ImageClassifierRecipe recipe, ImageManifest manifest, IImagePixelSource pixels, string datasetRef, string source)
    {
        var (train, validation, test) = Split(manifest, recipe.ValidationSplit, (int)recipe.Seed);
        if (train.Count + validation.Count + test.Count == 0)
            throw new InvalidDataException($"{datasetRef} has no readable, labelled images to train on; see lepton data inspect {datasetRef}.");
        if (train.Count == 0)
            throw new InvalidDataException($"{datasetRef} has no training images left after holding out validation and test; import more images or assign splits with lepton data split.");
        var missing = manifest.Classes.Where(c => !train.Any(i => i.Label == c)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{datasetRef}: class{(missing.Count > 1 ? "es" : "")} {string.Join(", ", missing)} ha{(missing.Count > 1 ? "ve" : "s")} no training images; add images of {(missing.Count > 1 ? "them" : "it")} or drop the class.");

        var pre = ImageStatistics.Preprocessing(train, pixels);
        var augmenter = string.IsNullOrWhiteSpace(recipe.Augment) ? null : new ImageAugmenter(AugmentationSpec.Parse(recipe.Augment), recipe.Seed);
        var layout = pixels.Layout;
        var spec = new ModelSpec
        {
            Input = InputSpec.ForImage("image", layout.Channels, layout.Height, layout.Width, layout.Resize),
            Preprocessing = new PreprocessingSpec(pre.Scale, pre.Mean.Select(v => (double)v).ToArray(), pre.Std.Select(v => (double)v).ToArray()),
            ClassNames = manifest.Classes,
            Task = recipe.Task ?? TaskSpec.Multiclass,
            Metadata = TrainingData.Metadata(recipe with { Augment = augmenter?.Spec.ToString() }, source, datasetRef),
        };
        var plain = new ImageDataset(train, pixels, manifest.Classes, pre);
        return new TrainingData(
            augmenter is null ? plain : new ImageDataset(train, pixels, manifest.Classes, pre, augmenter),
            new ImageDataset(validation, pixels, manifest.Classes, pre),
            new ImageDataset(test, pixels, manifest.Classes, pre),
            spec, pre) { Reference = plain };
    }

    /// <summary>
    /// The training, validation and test items training uses: the manifest's splits, with a stable-hash share
    /// (<paramref name="validationShare"/>, or <see cref="HeldOutShare"/> when 0) of the training items standing in for a
    /// missing test or validation split. Others (the demo's traffic, the loop's base data) call this to see the same held-out images.
    /// </summary>
    public static (List<ImageItem> Train, List<ImageItem> Validation, List<ImageItem> Test) Split(ImageManifest manifest, double validationShare, int seed)
    {
        var readable = manifest.Items.Where(i => i.IsReadable && i.Label is not null).ToList();
        var train = readable.Where(i => i.Split is null or ImageSplits.Train).ToList();
        var validation = readable.Where(i => i.Split == ImageSplits.Validation).ToList();
        var test = readable.Where(i => i.Split == ImageSplits.Test).ToList();
        double share = validationShare > 0 ? validationShare : HeldOutShare;
        if (test.Count == 0) (test, train) = HoldOut(train, share, seed, "test");
        if (validation.Count == 0 || validationShare > 0)
        {
            var (held, rest) = HoldOut(train, share, seed, "validation");
            (validation, train) = held.Count > 0 ? (validation.Concat(held).ToList(), rest) : (validation.Count > 0 ? validation : test, rest);
        }
        return (train, validation, test);
    }

    /// <summary>The input a preset is sized for: the version's pixel layout, its classes and its training examples.</summary>
    public static ImageDataShape ShapeOf(ImageManifest manifest) => new(manifest.Pixels.Channels, manifest.Pixels.Height, manifest.Pixels.Width,
        manifest.Classes.Count, manifest.Items.Count(i => i.IsReadable && i.Split is null or ImageSplits.Train));

    // By a stable hash of the path, so the same items are held out in every run and adding images moves none.
    private static (List<ImageItem> Held, List<ImageItem> Others) HoldOut(List<ImageItem> items, double share, int seed, string purpose)
    {
        var held = items.Where(i => StableHash.Unit(seed, purpose, i.Path) < share).ToList();
        return (held, items.Except(held).ToList());
    }
}
