using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Tuning.Objectives;

/// <summary>
/// The <c>cnn</c> and <c>cnn-bn</c> presets made wider or deeper: <c>depth</c> convolution blocks (conv 3x3, [BatchNorm],
/// ReLU, 2x2 max pool while the image is 2 pixels or more) of 32·width·2^i channels, then a hidden Linear of 128·width and
/// the head. Width 1, depth 2 is the preset itself. Written as a model.json that training builds with fresh weights.
/// </summary>
public static class PresetArchitecture
{
    public static IReadOnlyList<string> Presets { get; } = ["cnn", "cnn-bn"];

    public static bool Supports(string model) => Presets.Contains(model.ToLowerInvariant());

    /// <summary>Builds the network (weights from <paramref name="rng"/>) for images of <paramref name="shape"/>.</summary>
    public static Sequential Build(string preset, double width, int depth, ImageDataShape shape, Generator rng)
    {
        if (!(width > 0 && width <= 8)) throw new ArgumentException($"width must lie in (0, 8], got {width}.");
        if (depth is < 1 or > 6) throw new ArgumentException($"depth must lie in [1, 6], got {depth}.");
        bool bn = preset.Equals("cnn-bn", StringComparison.OrdinalIgnoreCase);
        var layers = new List<Module>();
        int channels = shape.Channels, h = shape.Height, w = shape.Width;
        for (int i = 0; i < depth; i++)
        {
            int next = Math.Max(4, (int)Math.Round(32 * width * (1 << i)));
            layers.Add(new Conv2d(channels, next, 3, new Conv2dOptions(Padding: 1, Bias: !bn), rng));
            if (bn) layers.Add(new BatchNorm2d(next));
            layers.Add(new ReLU());
            if (h >= 2 && w >= 2)
            {
                layers.Add(new MaxPool2d(2));
                (h, w) = (h / 2, w / 2);
            }
            channels = next;
        }
        int hidden = Math.Max(8, (int)Math.Round(128 * width));
        layers.Add(new Flatten());
        layers.Add(new Linear(channels * h * w, hidden, rng: rng));
        layers.Add(new ReLU());
        if (bn) layers.Add(new Dropout(0.25, rng.Fork()));
        layers.Add(new Linear(hidden, shape.Classes, rng: rng));
        return new Sequential([.. layers]);
    }

    /// <summary>Writes the architecture as <paramref name="path"/> (a model.json of layers) and returns the path.</summary>
    public static string Write(string path, string preset, double width, int depth, ImageDataShape shape)
    {
        var model = Build(preset, width, depth, shape, new Generator(0));
        var spec = new ModelSpec
        {
            FormatVersion = 1,
            Input = InputSpec.ForImage("image", shape.Channels, shape.Height, shape.Width),
            Architecture = LayerRegistry.Describe(model),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, spec.ToJson());
        return path;
    }
}
