using Lepton.Engine;
using Lepton.NN.Layers;

namespace Lepton.NN.Presets;

/// <summary>
/// Named architectures for images (N,C,H,W): <c>mlp</c>, <c>cnn</c> and <c>cnn-bn</c> (the Fashion-MNIST reference models,
/// Sequential) and <c>resnet</c> and <c>mobilenet</c> (graph models, model.json version 2), each sized for the input it is given.
/// </summary>
public static class ModelPresets
{
    /// <summary>The preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mlp", "cnn", "cnn-bn", "resnet", "mobilenet"];

    /// <summary>The presets built as graph models (their heads are graph nodes, not the last layer of a Sequential).</summary>
    public static IReadOnlyList<string> GraphNames { get; } = ["resnet", "mobilenet"];

    /// <summary>
    /// Builds a Sequential preset for 28x28 inputs with weights drawn from <paramref name="rng"/> (the original overload).
    /// The graph presets need the size-aware overload.
    /// </summary>
    public static Sequential Build(string name, int inChannels = 1, int classes = 10, Generator? rng = null)
    {
        if (GraphNames.Contains(name.ToLowerInvariant()))
            throw new ArgumentException(
                $"Model preset '{name}' is a graph model; build it with ModelPresets.Build(name, inChannels, height, width, classes, rng).");
        return BuildSequential(name, inChannels, 28, 28, classes, rng ?? new Generator(0));
    }

    /// <summary>Builds any preset for inputs (N, <paramref name="inChannels"/>, <paramref name="height"/>, <paramref name="width"/>).</summary>
    public static Module Build(string name, int inChannels, int height, int width, int classes, Generator? rng = null)
    {
        if (inChannels <= 0 || height <= 0 || width <= 0 || classes <= 0)
            throw new ArgumentException(
                $"Model preset '{name}' needs positive channels, height, width and classes, got ({inChannels}, {height}, {width}) and {classes} classes.");
        rng ??= new Generator(0);
        return name.ToLowerInvariant() switch
        {
            "resnet" => ResNetPreset.Build(inChannels, height, width, classes, rng),
            "mobilenet" => MobileNetPreset.Build(inChannels, height, width, classes, rng),
            _ => BuildSequential(name, inChannels, height, width, classes, rng),
        };
    }

    /// <summary>
    /// The preset for a data set of <paramref name="examples"/> training images of <paramref name="height"/> x
    /// <paramref name="width"/>: inputs of 96 pixels or more on their short side get <c>mobilenet</c> (depthwise separable,
    /// downsampling early, so cost stays low on large images); otherwise under 2,000 examples get <c>cnn-bn</c> (few
    /// parameters, less to overfit) and 2,000 or more get <c>resnet</c>.
    /// </summary>
    public static string Auto(int examples, int height, int width)
    {
        if (Math.Min(height, width) >= 96) return "mobilenet";
        return examples < 2000 ? "cnn-bn" : "resnet";
    }

    private static Sequential BuildSequential(string name, int inChannels, int height, int width, int classes, Generator rng)
    {
        // Two 2x2 max pools floor each side twice.
        int pooled = 64 * (height / 2 / 2) * (width / 2 / 2);
        if (name.ToLowerInvariant() is "cnn" or "cnn-bn" && pooled == 0)
            throw new ArgumentException($"Model preset '{name}' pools twice by 2 and needs inputs of at least 4x4, got {height}x{width}.");
        return name.ToLowerInvariant() switch
        {
            // 784-256-128-10 on 28x28
            "mlp" => new Sequential(
                new Flatten(),
                new Linear(inChannels * height * width, 256, rng: rng), new ReLU(),
                new Linear(256, 128, rng: rng), new ReLU(),
                new Linear(128, classes, rng: rng)),
            // conv32-pool-conv64-pool-fc128-fc10: x (N,1,28,28) → (N,32,14,14) → (N,64,7,7) → (N,10)
            "cnn" => new Sequential(
                new Conv2d(inChannels, 32, 3, new Conv2dOptions(Padding: 1), rng), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, new Conv2dOptions(Padding: 1), rng), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                new Linear(pooled, 128, rng: rng), new ReLU(),
                new Linear(128, classes, rng: rng)),
            // The reference CNN with batch normalization after each convolution and dropout before the head.
            "cnn-bn" => new Sequential(
                new Conv2d(inChannels, 32, 3, new Conv2dOptions(Padding: 1, Bias: false), rng), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, new Conv2dOptions(Padding: 1, Bias: false), rng), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                new Linear(pooled, 128, rng: rng), new ReLU(), new Dropout(0.25, rng.Fork()),
                new Linear(128, classes, rng: rng)),
            _ => throw new ArgumentException($"Unknown model preset '{name}'. Choose one of: {string.Join(", ", Names)}, or pass a path to a model.json."),
        };
    }
}
