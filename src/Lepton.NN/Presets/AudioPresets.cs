using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Graph;
using static Lepton.NN.Presets.PresetGraph;

namespace Lepton.NN.Presets;

/// <summary>
/// Keyword-spotting architectures over log-mel or MFCC features, each a graph model (model.json version 2) with one input
/// <c>features</c> (N,1,frames,bins): <c>kws-cnn</c> (four conv3x3-BN-ReLU stages of 32, 64, 128 and 128 channels with 2x2
/// max pooling between them; about 240k parameters) and <c>kws-ds-cnn</c> (the depthwise-separable CNN of "Hello Edge",
/// Zhang et al. 2017: a strided conv stem then four depthwise conv3x3 + pointwise conv1x1 blocks of 64 channels, the
/// second strided; about 21k parameters, for devices).
/// Both start with a BatchNorm2d over the single feature channel, which learns the input scaling, and end in global average
/// pooling, dropout and a linear head <c>fc</c>, so any clip length trains and serves the same network.
/// </summary>
public static class AudioPresets
{
    /// <summary>The preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["kws-cnn", "kws-ds-cnn"];

    /// <summary>The input's name in the graph and in the protocol.</summary>
    public const string InputName = "features";

    /// <summary>True when <paramref name="name"/> is an audio preset (case-insensitive).</summary>
    public static bool IsAudioPreset(string name) => Names.Contains(name.ToLowerInvariant());

    /// <summary>
    /// The preset for <paramref name="examples"/> training clips: <c>kws-ds-cnn</c> under 1,000 (few parameters, less to
    /// overfit, fast), else <c>kws-cnn</c> (more capacity for many voices).
    /// </summary>
    public static string Auto(int examples) => examples < 1000 ? "kws-ds-cnn" : "kws-cnn";

    /// <summary>Builds preset <paramref name="name"/> for features (N,1,<paramref name="frames"/>,<paramref name="bins"/>) and <paramref name="classes"/> classes.</summary>
    public static GraphModel Build(string name, int frames, int bins, int classes, Generator? rng = null)
    {
        if (frames < 8 || bins < 8 || classes < 1)
            throw new ArgumentException($"Audio preset '{name}' needs at least 8 frames and 8 bins (it downsamples by up to 8) and 1 class, got {frames} frames, {bins} bins and {classes} classes.");
        rng ??= new Generator(0);
        string preset = name.ToLowerInvariant();
        var (blocks, nodes, last) = preset switch
        {
            "kws-cnn" => Cnn(),
            "kws-ds-cnn" => DsCnn(),
            _ => throw new ArgumentException($"Unknown audio preset '{name}'. Choose one of: {string.Join(", ", Names)}, or auto."),
        };
        nodes.Add(Node("pool", "AdaptiveAvgPool2d", new JsonObject { ["output_size"] = 1 }, last.Node));
        nodes.Add(Node("flatten", "Flatten", null, "pool"));
        nodes.Add(Node("dropout", "Dropout", new JsonObject { ["p"] = 0.2 }, "flatten"));
        nodes.Add(Node("fc", "Linear", new JsonObject { ["in_features"] = last.Channels, ["out_features"] = classes }, "dropout"));
        var inputs = new JsonArray(new JsonObject { ["name"] = InputName, ["shape"] = new JsonArray(-1, 1, frames, bins), ["dtype"] = "float32" });
        return PresetGraph.Build(inputs, blocks, nodes, "fc", rng, preset);
    }

    // features (N,1,F,B) → (N,32,F,B) → pool (N,32,F/2,B/2) → (N,64,..) → pool (N,64,F/4,B/4) → (N,128,..) → pool (N,128,F/8,B/8) → (N,128,F/8,B/8)
    private static (JsonObject Blocks, JsonArray Nodes, (string Node, int Channels) Last) Cnn()
    {
        int[] widths = [32, 64, 128, 128];
        var nodes = new JsonArray(Node("input_bn", "BatchNorm2d", Features(1), InputName));
        string previous = "input_bn";
        int channels = 1;
        for (int i = 0; i < widths.Length; i++)
        {
            string s = $"conv{i + 1}";
            nodes.Add(Node(s, "Conv2d", Conv(channels.ToString(), widths[i].ToString(), 3, 1, 1), previous));
            nodes.Add(Node($"{s}_bn", "BatchNorm2d", Features(widths[i]), s));
            nodes.Add(Node($"{s}_relu", "ReLU", null, $"{s}_bn"));
            previous = $"{s}_relu";
            if (i < widths.Length - 1)
            {
                nodes.Add(Node($"{s}_pool", "MaxPool2d", new JsonObject { ["kernel_size"] = 2 }, previous));
                previous = $"{s}_pool";
            }
            channels = widths[i];
        }
        return (new JsonObject(), nodes, (previous, channels));
    }

    // features (N,1,F,B) → stem stride 2 (N,64,F/2,B/2) → separable, separable stride 2 (N,64,F/4,B/4) → 2 x separable
    private static (JsonObject Blocks, JsonArray Nodes, (string Node, int Channels) Last) DsCnn()
    {
        // The second block halves the map again, so the last blocks see about 0.4 s of audio at a 10 ms hop.
        int[] strides = [1, 2, 1, 1];
        const int width = 64;
        var blocks = new JsonObject
        {
            ["Separable"] = new JsonObject
            {
                ["parameters"] = new JsonObject { ["channels"] = null, ["stride"] = 1 },
                ["inputs"] = new JsonArray("x"),
                ["nodes"] = new JsonArray(
                    Node("dw", "Conv2d", Conv("$channels", "$channels", 3, "$stride", 1, groups: "$channels"), "x"),
                    Node("dw_bn", "BatchNorm2d", Features("$channels"), "dw"),
                    Node("dw_relu", "ReLU", null, "dw_bn"),
                    Node("pw", "Conv2d", Conv("$channels", "$channels", 1, 1, 0), "dw_relu"),
                    Node("pw_bn", "BatchNorm2d", Features("$channels"), "pw"),
                    Node("pw_relu", "ReLU", null, "pw_bn")),
                ["outputs"] = new JsonArray("pw_relu"),
            },
        };
        var nodes = new JsonArray(
            Node("input_bn", "BatchNorm2d", Features(1), InputName),
            Node("stem", "Conv2d", Conv("1", width.ToString(), 3, 2, 1), "input_bn"),
            Node("stem_bn", "BatchNorm2d", Features(width), "stem"),
            Node("stem_relu", "ReLU", null, "stem_bn"));
        string previous = "stem_relu";
        for (int i = 0; i < 4; i++)
        {
            string name = $"block{i + 1}";
            nodes.Add(Node(name, "Separable", new JsonObject { ["channels"] = width, ["stride"] = strides[i] }, previous));
            previous = name;
        }
        return (blocks, nodes, (previous, width));
    }
}
