using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Graph;

namespace Lepton.NN.Serialization;

/// <summary>
/// Everything in <c>model.json</c>: the architecture, what the model expects as input, how raw data is
/// preprocessed, label names, metrics and free metadata. Weights live beside it in <c>weights.safetensors</c>.
/// </summary>
public sealed record ModelSpec
{
    /// <summary>The newest format version: 1 holds a Sequential's layer list, 2 a graph. Loading accepts both.</summary>
    public const int CurrentFormatVersion = 2;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The graph of a version-2 model (inputs, nodes, blocks, outputs); null for a Sequential.</summary>
    public GraphSpec? Graph { get; init; }

    /// <summary>
    /// The layers of the Sequential, in order. <see cref="ModelFile.Save"/> always writes the architecture
    /// of the model it is given, so callers may leave this empty when saving.
    /// </summary>
    public IReadOnlyList<LayerSpec> Architecture { get; init; } = [];

    /// <summary>The model's first input; a graph's inputs are all in <see cref="Inputs"/>.</summary>
    public required InputSpec Input { get; init; }

    /// <summary>Every input in the order the model takes them.</summary>
    public IReadOnlyList<InputSpec> Inputs => Graph?.Inputs ?? [Input];

    /// <summary>The preprocessing of input <paramref name="index"/>: its own, else (for the first input) the model's <see cref="Preprocessing"/>.</summary>
    public PreprocessingSpec? PreprocessingOf(int index) => Inputs[index].Preprocessing ?? (index == 0 ? Preprocessing : null);

    /// <summary>How raw values of the first input become model input: <c>(x * Scale - Mean[c]) / Std[c]</c>; null for none. An input's own <see cref="InputSpec.Preprocessing"/> takes precedence.</summary>
    public PreprocessingSpec? Preprocessing { get; init; }

    /// <summary>What the model predicts; models written before tasks were recorded are multiclass classifiers.</summary>
    public TaskSpec Task { get; init; } = TaskSpec.Multiclass;

    /// <summary>Label of each output index; empty when the model is not a classifier.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>Evaluation results, e.g. <c>test_accuracy</c> → 0.912.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Free JSON object (dataset, recipe, seed, ...); never interpreted by the loader.</summary>
    public JsonObject? Metadata { get; init; }

    /// <summary>Builds a freshly initialized model from <see cref="Graph"/> or <see cref="Architecture"/>.</summary>
    public Module BuildModel(Generator? rng = null, string source = "model.json") =>
        Graph is { } graph ? GraphBuilder.Build(graph, rng, source) : LayerRegistry.Build(Architecture, rng, source);

    public string ToJson() => ModelSpecJson.Write(this);

    /// <summary>Parses model.json text; <paramref name="source"/> names the file in errors.</summary>
    public static ModelSpec FromJson(string json, string source = "model.json") => ModelSpecJson.Read(json, source);
}

/// <summary>One layer of the architecture: its registry type name and its options as in PyTorch's constructor (snake_case).</summary>
public sealed record LayerSpec(string Type, JsonObject Options);

/// <summary>
/// One model input: a name, a shape with -1 for the batch dimension, e.g. (-1,1,28,28), a dtype, and what a client sends
/// for it (<see cref="Kind"/>): a tensor as it is, or an image of any size that the stored pipeline decodes and resizes.
/// </summary>
public sealed record InputSpec(string Name, int[] Shape, DType DType = DType.Float32, InputKind Kind = InputKind.Tensor, ImageInputOptions? Image = null,
    PreprocessingSpec? Preprocessing = null)
{
    /// <summary>An image input (N,C,H,W) that accepts any image size, resized by <paramref name="resize"/>.</summary>
    public static InputSpec ForImage(string name, int channels, int height, int width, string resize = ImageInputOptions.Stretch) =>
        new(name, [-1, channels, height, width], DType.Float32, InputKind.Image, new ImageInputOptions(resize));
}

/// <summary>What a client sends for an input; text and table inputs are declared here and filled in by their data pipelines.</summary>
public enum InputKind
{
    /// <summary>Numbers in the input's shape and dtype (JSON arrays, OIP tensors, .npy files).</summary>
    Tensor,

    /// <summary>An image file (PNG, JPEG) of any size, decoded, converted to the input's channels and resized.</summary>
    Image,

    /// <summary>A string, tokenized by the model's tokenizer.</summary>
    Text,

    /// <summary>A table row, encoded column by column.</summary>
    Table,
}

/// <summary>How an image input is resized (<c>exact</c>, <c>stretch</c>, <c>fit</c> or <c>crop</c>) and the most pixels decoded.</summary>
public sealed record ImageInputOptions(string Resize = ImageInputOptions.Stretch, long MaxPixels = 40_000_000)
{
    public const string Stretch = "stretch";

    public static IReadOnlyList<string> Policies { get; } = ["exact", "stretch", "fit", "crop"];
}

/// <summary>Input normalization: multiply by Scale, then per channel subtract Mean and divide by Std.</summary>
public sealed record PreprocessingSpec(double Scale = 1.0, double[]? Mean = null, double[]? Std = null);

/// <summary>A model folder read back: the ready-to-use model (in eval mode) and its spec.</summary>
public sealed record LoadedModel(Module Model, ModelSpec Spec);
