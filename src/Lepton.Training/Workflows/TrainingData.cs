using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Data.Images.Augmentation;
using Lepton.Data.Images.Datasets;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Graph;
using Lepton.NN.Serialization;

namespace Lepton.Training.Workflows;

/// <summary>
/// The splits a training run reads and the model spec they imply (inputs, preprocessing, classes, task): Fashion-MNIST's
/// images, or a tensor data set folder (<see cref="TensorFolder"/>) whose .npy files are named after the model's inputs.
/// </summary>
internal sealed record TrainingData(IDataset Train, IDataset Validation, IDataset Test, ModelSpec Spec, Preprocessing? ImagePreprocessing)
{
    /// <summary>The training examples without augmentation, for the drift reference profile; null means <see cref="Train"/>.</summary>
    public IDataset? Reference { get; init; }

    public static TrainingData Load(ImageClassifierRecipe recipe, Module model, string source)
    {
        if (TensorFolder.IsTensorFolder(recipe.Data)) return FromFolder(recipe, model, source);
        var (train, test, pre) = ImageClassifierTraining.LoadData(recipe.Data, recipe.DataDir);
        IDataset validation = test;
        if (recipe.ValidationSplit > 0) (validation, train) = train.Split(recipe.ValidationSplit, recipe.Seed);
        var spec = new ModelSpec
        {
            // An image input: the server and `lepton predict` resize any PNG or JPEG to the training size.
            Input = InputSpec.ForImage("image", train.InputShape[0], train.InputShape[1], train.InputShape[2]),
            Preprocessing = new PreprocessingSpec(pre.Scale, pre.Mean.Select(v => (double)v).ToArray(), pre.Std.Select(v => (double)v).ToArray()),
            ClassNames = train.ClassNames,
            Task = recipe.Task ?? TaskSpec.Multiclass,
            Metadata = Metadata(recipe, source),
        };
        if (string.IsNullOrWhiteSpace(recipe.Augment)) return new TrainingData(train, validation, test, spec, pre);
        return new TrainingData(Augmented(train, pre, recipe), validation, test, spec, pre) { Reference = train };
    }

    // Fashion-MNIST is loaded normalized; its 8-bit pixels come back exactly (x * std + mean, x255) for the augmenter.
    private static ImageDataset Augmented(InMemoryDataset train, Preprocessing pre, ImageClassifierRecipe recipe)
    {
        var values = train.Inputs.Contiguous().ToArray();
        int plane = values.Length / train.Count / Math.Max(1, pre.Mean.Length);
        for (int i = 0; i < values.Length; i++)
        {
            int c = pre.Mean.Length == 0 ? 0 : i / plane % pre.Mean.Length;
            values[i] = pre.Mean.Length == 0 ? values[i] : values[i] * pre.Std[c] + pre.Mean[c];
        }
        var pixels = new TensorImagePixelSource(Tensor.FromArray(values, train.Inputs.Shape.ToArray()));
        return new ImageDataset(pixels.Items(train.Targets, train.ClassNames), pixels, train.ClassNames, pre,
            new ImageAugmenter(AugmentationSpec.Parse(recipe.Augment!), recipe.Seed));
    }

    private static TrainingData FromFolder(ImageClassifierRecipe recipe, Module model, string source)
    {
        if (!string.IsNullOrWhiteSpace(recipe.Augment))
            throw new ArgumentException($"--augment applies to images (an image data set version or fashion-mnist); {recipe.Data} is a tensor data set folder.");
        var inputs = model is GraphModel { Spec: { } graph } ? graph.Inputs : null;
        var names = inputs?.Select(i => i.Name).ToList() ?? ["input"];
        var data = TensorFolder.Load(recipe.Data, names);
        TaskSpec task = recipe.Task ?? (data.Task is null ? TaskSpec.Multiclass
            : TaskSpec.Parse(data.Task) is { } kind ? new TaskSpec(kind, TargetNames: data.TargetNames)
            : throw new InvalidDataException($"{TensorFolder.DescriptionFile}: task \"{data.Task}\" is not a task; use multiclass, binary, multilabel or regression."));
        // Without a test split, a held-out part of the training set (the validation split, else a tenth) is the test set.
        IDataset train = data.Train, validation, test;
        double fraction = recipe.ValidationSplit > 0 ? recipe.ValidationSplit : 0.1;
        if (data.Test is null || recipe.ValidationSplit > 0)
            (validation, train) = Split(train, fraction, recipe.Seed);
        else validation = data.Test;
        test = data.Test ?? validation;
        var spec = new ModelSpec
        {
            Input = inputs?[0] ?? new InputSpec("input", [-1, .. train.InputShape.ToArray()]),
            ClassNames = data.ClassNames.Count > 0 ? data.ClassNames : train.ClassNames,
            Task = task,
            Metadata = Metadata(recipe, source),
        };
        return new TrainingData(train, validation, test, spec, null);
    }

    private static (IDataset First, IDataset Second) Split(IDataset data, double fraction, ulong seed) => data switch
    {
        InMemoryDataset d => d.Split(fraction, seed),
        MultiInputDataset d => d.Split(fraction, seed),
        _ => throw new InvalidOperationException($"cannot split a {data.GetType().Name}"),
    };

    /// <summary>What model.json's metadata records of a run: the data it read (<paramref name="dataset"/>, else the recipe's), the model's source and the recipe.</summary>
    internal static JsonObject Metadata(ImageClassifierRecipe recipe, string source, string? dataset = null) => new()
    {
        ["dataset"] = dataset ?? recipe.Data,
        ["model_source"] = source,
        ["augment"] = recipe.Augment,
        ["epochs"] = recipe.Epochs,
        ["batch_size"] = recipe.BatchSize,
        ["learning_rate"] = recipe.LearningRate,
        ["optimizer"] = recipe.Optimizer,
        ["schedule"] = recipe.Schedule,
        ["seed"] = recipe.Seed,
        ["created_utc"] = DateTime.UtcNow.ToString("O"),
    };
}
