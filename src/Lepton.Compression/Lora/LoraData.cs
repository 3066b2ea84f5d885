using Lepton.Data;
using Lepton.Data.Images.Datasets;
using Lepton.NN.Graph;
using Lepton.NN.Serialization;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Lora;

/// <summary>The splits a LoRA run reads, prepared as the base model was: its own normalization, not the new data's.</summary>
public sealed record LoraData(IDataset Train, IDataset Validation, IDataset Test, IReadOnlyList<string> ClassNames, string Description)
{
    /// <summary>
    /// An image data set version (<paramref name="manifest"/> and <paramref name="pixels"/>) when given, else the recipe's data:
    /// fashion-mnist or a tensor data set folder. The frozen base keeps the input statistics it was trained with, so images are
    /// normalized with the base model's preprocessing.
    /// </summary>
    public static LoraData Load(LoraRecipe recipe, LoadedModel baseModel, ImageManifest? manifest = null, IImagePixelSource? pixels = null, string? datasetRef = null)
    {
        var spec = baseModel.Spec;
        if (manifest is not null && pixels is not null)
        {
            var pre = BasePreprocessing(spec, recipe.Data);
            var (train, validation, test) = ImageTrainingData.Split(manifest, recipe.ValidationSplit, (int)recipe.Seed);
            if (train.Count == 0) throw new InvalidDataException($"{datasetRef ?? recipe.Data} has no labelled training images; see lepton data inspect.");
            return new LoraData(new ImageDataset(train, pixels, manifest.Classes, pre), new ImageDataset(validation, pixels, manifest.Classes, pre),
                new ImageDataset(test, pixels, manifest.Classes, pre), manifest.Classes, datasetRef ?? recipe.Data);
        }
        if (TensorFolder.IsTensorFolder(recipe.Data))
        {
            var names = baseModel.Model is GraphModel { Spec: { } graph } ? graph.Inputs.Select(i => i.Name).ToList() : ["input"];
            var data = TensorFolder.Load(recipe.Data, names);
            IDataset train = data.Train, validation;
            if (data.Test is null || recipe.ValidationSplit > 0)
                (validation, train) = Split(train, recipe.ValidationSplit > 0 ? recipe.ValidationSplit : 0.1, recipe.Seed);
            else validation = data.Test;
            var classes = data.ClassNames.Count > 0 ? data.ClassNames : train.ClassNames;
            return new LoraData(train, validation, data.Test ?? validation, classes, recipe.Data);
        }
        if (string.Equals(recipe.Data, "fashion-mnist", StringComparison.OrdinalIgnoreCase))
        {
            var (train, test, _) = ImageClassifierTraining.LoadData(recipe.Data, recipe.DataDir);
            IDataset validation = test;
            if (recipe.ValidationSplit > 0) (validation, train) = train.Split(recipe.ValidationSplit, recipe.Seed);
            return new LoraData(train, validation, test, train.ClassNames, "fashion-mnist");
        }
        throw new ArgumentException($"--data {recipe.Data}: LoRA trains on fashion-mnist, a tensor data set folder, or an image data set version (NAME@V).");
    }

    private static Preprocessing BasePreprocessing(ModelSpec spec, string data) => spec.Preprocessing is { } p
        ? new Preprocessing((float)p.Scale, (p.Mean ?? []).Select(v => (float)v).ToArray(), (p.Std ?? []).Select(v => (float)v).ToArray())
        : throw new InvalidDataException($"--data {data} holds images, but the base model records no image preprocessing; LoRA on images needs a base trained on images.");

    private static (IDataset First, IDataset Second) Split(IDataset data, double fraction, ulong seed) => data switch
    {
        InMemoryDataset d => d.Split(fraction, seed),
        MultiInputDataset d => d.Split(fraction, seed),
        _ => throw new InvalidOperationException($"cannot split a {data.GetType().Name}"),
    };
}
