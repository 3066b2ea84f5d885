using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Graph;
using static Lepton.NN.Presets.PresetGraph;

namespace Lepton.NN.Presets;

/// <summary>
/// Named architectures for token sequences, each a graph model (model.json version 2) with inputs <c>ids</c> (Int32 (N,T),
/// T variable) and <c>mask</c> (Float32 (N,T), 1 on tokens, 0 on padding), sized from the vocabulary and the class count:
/// <c>text-bow</c> (fastText: mean of token and hashed-bigram vectors, then Linear), <c>text-lstm</c> (Embedding,
/// bidirectional LSTM over the real steps, masked mean pooling, Linear) and <c>text-transformer</c> (Embedding plus learned
/// positions, two encoder layers, masked mean pooling, Linear).
/// </summary>
public static class TextPresets
{
    /// <summary>The preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["text-bow", "text-lstm", "text-transformer"];

    /// <summary>Hashed bigram rows of <c>text-bow</c>: four per vocabulary entry, at most 2^17 (fastText uses 2M for large corpora).</summary>
    public static int BigramBuckets(int vocabSize) => Math.Min(4 * vocabSize, 1 << 17);

    /// <summary>True when <paramref name="name"/> is a text preset (case-insensitive).</summary>
    public static bool IsTextPreset(string name) => Names.Contains(name.ToLowerInvariant());

    /// <summary>
    /// The preset for a text data set of <paramref name="examples"/> training texts: <c>text-bow</c> under 20,000 (few
    /// parameters per example, trains in seconds and is hard to beat on small data), else <c>text-lstm</c>.
    /// </summary>
    public static string Auto(int examples) => examples < 20_000 ? "text-bow" : "text-lstm";

    /// <summary>
    /// Builds preset <paramref name="name"/> for <paramref name="vocabSize"/> token ids and <paramref name="classes"/> classes;
    /// <paramref name="maxLength"/> bounds T for the transformer's learned positions.
    /// </summary>
    public static GraphModel Build(string name, int vocabSize, int classes, int maxLength = 256, Generator? rng = null)
    {
        if (vocabSize <= 0 || classes <= 0 || maxLength <= 0)
            throw new ArgumentException($"Text preset '{name}' needs a positive vocabulary size, class count and maximum length, got {vocabSize}, {classes} and {maxLength}.");
        rng ??= new Generator(0);
        var nodes = name.ToLowerInvariant() switch
        {
            "text-bow" => Bow(vocabSize, classes),
            "text-lstm" => Lstm(vocabSize, classes),
            "text-transformer" => Transformer(vocabSize, classes, maxLength),
            _ => throw new ArgumentException($"Unknown text preset '{name}'. Choose one of: {string.Join(", ", Names)}."),
        };
        var inputs = new JsonArray(
            new JsonObject { ["name"] = "ids", ["shape"] = new JsonArray(-1, -1), ["dtype"] = "int32" },
            new JsonObject { ["name"] = "mask", ["shape"] = new JsonArray(-1, -1), ["dtype"] = "float32" });
        return PresetGraph.Build(inputs, new JsonObject(), nodes, "fc", rng, name.ToLowerInvariant());
    }

    // ids (N,T) → bag (N,64) → fc (N,classes)
    private static JsonArray Bow(int vocab, int classes) => new(
        Node("bag", "EmbeddingBag", new JsonObject
        {
            ["num_embeddings"] = vocab, ["embedding_dim"] = 64, ["mode"] = "mean", ["ngram_buckets"] = BigramBuckets(vocab),
        }, "ids", "mask"),
        Node("fc", "Linear", new JsonObject { ["in_features"] = 64, ["out_features"] = classes }, "bag"));

    // ids (N,T) → embed (N,T,64) → lstm (N,T,2·64) → pool (N,128) → fc
    private static JsonArray Lstm(int vocab, int classes) => new(
        Node("embed", "Embedding", new JsonObject { ["num_embeddings"] = vocab, ["embedding_dim"] = 64 }, "ids"),
        Node("lstm", "LSTM", new JsonObject { ["input_size"] = 64, ["hidden_size"] = 64, ["bidirectional"] = true }, "embed", "mask"),
        Node("pool", "MaskedMeanPool", null, "lstm", "mask"),
        Node("fc", "Linear", new JsonObject { ["in_features"] = 128, ["out_features"] = classes }, "pool"));

    // ids (N,T) → embed + positions (N,T,64) → encoder (N,T,64) → pool (N,64) → fc
    private static JsonArray Transformer(int vocab, int classes, int maxLength) => new(
        Node("embed", "Embedding", new JsonObject { ["num_embeddings"] = vocab, ["embedding_dim"] = 64 }, "ids"),
        Node("positions", "LearnedPositionalEmbedding", new JsonObject { ["max_length"] = maxLength, ["embedding_dim"] = 64 }, "embed"),
        Node("encoder", "TransformerEncoder", new JsonObject
        {
            ["num_layers"] = 2, ["d_model"] = 64, ["nhead"] = 4, ["dim_feedforward"] = 128, ["dropout"] = 0.1,
        }, "positions", "mask"),
        Node("pool", "MaskedMeanPool", null, "encoder", "mask"),
        Node("fc", "Linear", new JsonObject { ["in_features"] = 64, ["out_features"] = classes }, "pool"));
}
