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

    /// <summary>How raw values become model input: <c>(x * Scale - Mean[c]) / Std[c]</c>; null for none.</summary>
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

/// <summary>The model input: a name, a shape with -1 for the batch dimension, e.g. (-1,1,28,28), and a dtype.</summary>
public sealed record InputSpec(string Name, int[] Shape, DType DType = DType.Float32);

/// <summary>Input normalization: multiply by Scale, then per channel subtract Mean and divide by Std.</summary>
public sealed record PreprocessingSpec(double Scale = 1.0, double[]? Mean = null, double[]? Std = null);

/// <summary>A model folder read back: the ready-to-use model (in eval mode) and its spec.</summary>
public sealed record LoadedModel(Module Model, ModelSpec Spec);
