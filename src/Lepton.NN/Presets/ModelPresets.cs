using Lepton.Engine;
using Lepton.NN.Layers;

namespace Lepton.NN.Presets;

/// <summary>Named architectures for 28x28 grayscale images with 10 classes (the Fashion-MNIST reference models).</summary>
public static class ModelPresets
{
    /// <summary>The preset names: <c>mlp</c>, <c>cnn</c> (the reference CNN in bench/) and <c>cnn-bn</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mlp", "cnn", "cnn-bn"];

    /// <summary>Builds a preset with weights drawn from <paramref name="rng"/>.</summary>
    public static Sequential Build(string name, int inChannels = 1, int classes = 10, Generator? rng = null)
    {
        rng ??= new Generator(0);
        return name.ToLowerInvariant() switch
        {
            // 784-256-128-10
            "mlp" => new Sequential(
                new Flatten(),
                new Linear(inChannels * 28 * 28, 256, rng: rng), new ReLU(),
                new Linear(256, 128, rng: rng), new ReLU(),
                new Linear(128, classes, rng: rng)),
            // conv32-pool-conv64-pool-fc128-fc10: x (N,1,28,28) → (N,32,14,14) → (N,64,7,7) → (N,10)
            "cnn" => new Sequential(
                new Conv2d(inChannels, 32, 3, new Conv2dOptions(Padding: 1), rng), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, new Conv2dOptions(Padding: 1), rng), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                new Linear(64 * 7 * 7, 128, rng: rng), new ReLU(),
                new Linear(128, classes, rng: rng)),
            // The reference CNN with batch normalization after each convolution and dropout before the head.
            "cnn-bn" => new Sequential(
                new Conv2d(inChannels, 32, 3, new Conv2dOptions(Padding: 1, Bias: false), rng), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, new Conv2dOptions(Padding: 1, Bias: false), rng), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                new Linear(64 * 7 * 7, 128, rng: rng), new ReLU(), new Dropout(0.25, rng.Fork()),
                new Linear(128, classes, rng: rng)),
            _ => throw new ArgumentException($"Unknown model preset '{name}'. Choose one of: {string.Join(", ", Names)}, or pass a path to a model.json."),
        };
    }
}
