using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Layers;
using Lepton.NN.Layers.Quantized;

namespace Lepton.NN.Serialization;

/// <summary>
/// Maps the layer type names of <c>model.json</c> to factories, so an architecture is rebuilt from data
/// (never from code). Other projects may register more layer types.
/// </summary>
public static class LayerRegistry
{
    /// <summary>Builds one layer from its options; the generator draws its initial weights.</summary>
    public delegate Module Factory(LayerOptionsReader options, Generator rng);

    private static readonly Dictionary<string, Factory> Factories = new(StringComparer.Ordinal)
    {
        ["Linear"] = (o, g) => new Linear(o.Int("in_features"), o.Int("out_features"), new LinearOptions(o.Bool("bias", true)), g),
        ["Conv2d"] = (o, g) => new Conv2d(o.Int("in_channels"), o.Int("out_channels"), o.SquareInt("kernel_size"),
            new Conv2dOptions(o.SquareInt("stride", 1), o.SquareInt("padding", 0), o.SquareInt("dilation", 1), o.Int("groups", 1), o.Bool("bias", true)), g),
        ["QuantizedLinear"] = (o, _) => new QuantizedLinear(o.Int("in_features"), o.Int("out_features"), new LinearOptions(o.Bool("bias", true))),
        ["QuantizedConv2d"] = (o, _) => new QuantizedConv2d(o.Int("in_channels"), o.Int("out_channels"), o.SquareInt("kernel_size"),
            new Conv2dOptions(o.SquareInt("stride", 1), o.SquareInt("padding", 0), o.SquareInt("dilation", 1), o.Int("groups", 1), o.Bool("bias", true))),
        ["MaxPool2d"] = (o, _) => new MaxPool2d(o.SquareInt("kernel_size"), new MaxPool2dOptions(StrideOrKernel(o), o.SquareInt("padding", 0))),
        ["AvgPool2d"] = (o, _) => new AvgPool2d(o.SquareInt("kernel_size"), new AvgPool2dOptions(StrideOrKernel(o), o.SquareInt("padding", 0))),
        ["AdaptiveAvgPool2d"] = (o, _) => AdaptiveAvg(o),
        ["Flatten"] = (o, _) => new Flatten(new FlattenOptions(o.Int("start_dim", 1), o.Int("end_dim", -1))),
        ["ReLU"] = (_, _) => new ReLU(),
        ["LeakyReLU"] = (o, _) => new LeakyReLU(o.Double("negative_slope", 0.01)),
        ["GELU"] = (o, _) => o.String("approximate", "none") == "none" ? new GELU()
            : throw new InvalidDataException($"{o.Where}: only GELU(approximate=\"none\") is supported."),
        ["Sigmoid"] = (_, _) => new Sigmoid(),
        ["Tanh"] = (_, _) => new Tanh(),
        ["Exp"] = (_, _) => new Exp(),
        ["Softmax"] = (o, _) => new Softmax(o.Int("dim", -1)),
        ["BatchNorm1d"] = (o, _) => new BatchNorm1d(o.Int("num_features"), BatchNorm(o)),
        ["BatchNorm2d"] = (o, _) => new BatchNorm2d(o.Int("num_features"), BatchNorm(o)),
        ["LayerNorm"] = (o, _) => new LayerNorm(o.IntList("normalized_shape"),
            new LayerNormOptions(o.Double("eps", 1e-5), o.Bool("elementwise_affine", true))),
        ["Dropout"] = (o, g) => new Dropout(o.Double("p", 0.5), g.Fork()),
        ["Embedding"] = (o, g) => new Embedding(o.Int("num_embeddings"), o.Int("embedding_dim"), g),
        ["Add"] = (_, _) => new Add(),
        ["Mul"] = (_, _) => new Mul(),
        ["Concat"] = (o, _) => new Concat(o.Int("dim", 1)),
        ["Reshape"] = (o, _) => new Reshape(o.IntList("shape")),
        ["Permute"] = (o, _) => new Permute(o.IntList("dims")),
        ["Mean"] = (o, _) => new Mean(o.IntList("dim"), o.Bool("keepdim", false)),
        ["LSTM"] = (o, g) => new LSTM(o.Int("input_size"), o.Int("hidden_size"), Recurrent(o), g),
        ["GRU"] = (o, g) => new GRU(o.Int("input_size"), o.Int("hidden_size"), Recurrent(o), g),
        ["MultiheadAttention"] = (o, g) => new MultiheadAttention(o.Int("embed_dim"), o.Int("num_heads"),
            new MultiheadAttentionOptions(o.Bool("bias", true), o.Double("dropout", 0), o.Bool("causal", false)), g),
        ["TransformerEncoderLayer"] = (o, g) => new TransformerEncoderLayer(o.Int("d_model"), o.Int("nhead"), Transformer(o), g),
        ["TransformerEncoder"] = (o, g) => new TransformerEncoder(o.Int("num_layers"), o.Int("d_model"), o.Int("nhead"), Transformer(o),
            o.Bool("final_norm", false), g),
        ["LearnedPositionalEmbedding"] = (o, g) => new LearnedPositionalEmbedding(o.Int("max_length"), o.Int("embedding_dim"), g),
        ["SinusoidalPositionalEmbedding"] = (o, _) => new SinusoidalPositionalEmbedding(o.Int("embedding_dim")),
        ["MaskedMeanPool"] = (_, _) => new MaskedMeanPool(),
        ["EmbeddingBag"] = (o, g) => new EmbeddingBag(o.Int("num_embeddings"), o.Int("embedding_dim"),
            new EmbeddingBagOptions(o.String("mode", "mean"), o.Int("ngram_buckets", 0)), g),
    };

    private static readonly object Gate = new();

    public static IReadOnlyCollection<string> Types
    {
        get { lock (Gate) return Factories.Keys.Order(StringComparer.Ordinal).ToList(); }
    }

    /// <summary>Adds or replaces a layer type; its modules should implement <see cref="ILayerConfig"/> to be saved.</summary>
    public static void Register(string type, Factory factory)
    {
        lock (Gate) Factories[type] = factory;
    }

    /// <summary>Builds a Sequential from layer specs; one generator (default seed 0) initializes all layers in order.</summary>
    public static Sequential Build(IEnumerable<LayerSpec> layers, Generator? rng = null, string source = "model.json")
    {
        rng ??= LayerDefaults.Generator();
        var model = new Sequential();
        int i = 0;
        foreach (var spec in layers)
        {
            model.Add(Create(spec.Type, spec.Options, rng, $"{source}: architecture[{i}] ({spec.Type})"));
            i++;
        }
        return model;
    }

    /// <summary>True when <paramref name="type"/> names a registered layer type.</summary>
    public static bool IsKnown(string type)
    {
        lock (Gate) return Factories.ContainsKey(type);
    }

    /// <summary>Builds one layer; errors start with <paramref name="where"/> and list the known types or options.</summary>
    public static Module Create(string type, JsonObject options, Generator rng, string where)
    {
        Factory? f;
        lock (Gate) Factories.TryGetValue(type, out f);
        if (f is null)
            throw new InvalidDataException($"{where}: unknown layer type \"{type}\". Known types: {string.Join(", ", Types)}.");
        var reader = new LayerOptionsReader(options, where);
        Module layer;
        try
        {
            layer = f(reader, rng);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }
        reader.EnsureAllUsed();
        return layer;
    }

    /// <summary>The architecture of a model as layer specs (the inverse of <see cref="Build"/>).</summary>
    public static IReadOnlyList<LayerSpec> Describe(Sequential model)
    {
        var specs = new List<LayerSpec>();
        for (int i = 0; i < model.Count; i++)
        {
            var layer = model[i];
            if (layer is not ILayerConfig c)
                throw new InvalidOperationException($"Layer {i} ({layer.TypeName}) cannot be saved to model.json: it does not implement ILayerConfig.");
            bool known;
            lock (Gate) known = Factories.ContainsKey(layer.TypeName);
            if (!known)
                throw new InvalidOperationException($"Layer {i} ({layer.TypeName}) is not in the LayerRegistry, so model.json could not rebuild it; register it first.");
            specs.Add(new LayerSpec(layer.TypeName, c.GetConfig()));
        }
        return specs;
    }

    private static int? StrideOrKernel(LayerOptionsReader o) => o.OptionalSquareInt("stride");

    private static RecurrentOptions Recurrent(LayerOptionsReader o)
    {
        if (!o.Bool("batch_first", true))
            throw new InvalidDataException($"{o.Where}: Lepton's recurrent layers take batch-first input (N,T,C); \"batch_first\": false is not supported.");
        return new(o.Int("num_layers", 1), o.Bool("bias", true), o.Bool("bidirectional", false), o.Double("dropout", 0));
    }

    private static TransformerEncoderLayerOptions Transformer(LayerOptionsReader o) =>
        new(o.Int("dim_feedforward", 2048), o.Double("dropout", 0.1), o.String("activation", "relu"), o.Bool("norm_first", false),
            o.Double("layer_norm_eps", 1e-5), o.Bool("causal", false));

    private static BatchNormOptions BatchNorm(LayerOptionsReader o) =>
        new(o.Double("eps", 1e-5), o.Double("momentum", 0.1), o.Bool("affine", true), o.Bool("track_running_stats", true));

    private static AdaptiveAvgPool2d AdaptiveAvg(LayerOptionsReader o)
    {
        var s = o.IntList("output_size");
        return s.Length switch
        {
            1 => new AdaptiveAvgPool2d(s[0]),
            2 => new AdaptiveAvgPool2d(s[0], s[1]),
            _ => throw new InvalidDataException($"{o.Where}: option \"output_size\" must be one integer or [h, w]."),
        };
    }
}
