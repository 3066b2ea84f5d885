using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Graph;
using static Lepton.NN.Presets.PresetGraph;

namespace Lepton.NN.Presets;

/// <summary>
/// <c>mobilenet</c>: a small MobileNet (Howard et al. 2017). Stem conv3x3(32)-BN-ReLU (stride 2 when the short side is 64
/// pixels or more), then depthwise separable blocks — depthwise conv3x3 (groups = channels)-BN-ReLU, pointwise conv1x1-BN-ReLU —
/// to 64, 128 (stride 2), 128, 256 (stride 2) and 256 channels; global average pooling (<c>AdaptiveAvgPool2d(1)</c>, <c>Flatten</c>) and a linear head <c>fc</c>.
/// </summary>
internal static class MobileNetPreset
{
    /// <summary>(output channels, depthwise stride) per block.</summary>
    public static readonly (int Channels, int Stride)[] Blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1)];

    public static GraphModel Build(int inChannels, int height, int width, int classes, Generator rng)
    {
        var blocks = new JsonObject
        {
            ["Separable"] = new JsonObject
            {
                ["parameters"] = new JsonObject { ["in_channels"] = null, ["out_channels"] = null, ["stride"] = 1 },
                ["inputs"] = new JsonArray("x"),
                ["nodes"] = new JsonArray(
                    Node("dw", "Conv2d", Conv("$in_channels", "$in_channels", 3, "$stride", 1, groups: "$in_channels"), "x"),
                    Node("dw_bn", "BatchNorm2d", Features("$in_channels"), "dw"),
                    Node("dw_relu", "ReLU", null, "dw_bn"),
                    Node("pw", "Conv2d", Conv("$in_channels", "$out_channels", 1, 1, 0), "dw_relu"),
                    Node("pw_bn", "BatchNorm2d", Features("$out_channels"), "pw"),
                    Node("pw_relu", "ReLU", null, "pw_bn")),
                ["outputs"] = new JsonArray("pw_relu"),
            },
        };
        int stemStride = Math.Min(height, width) >= 64 ? 2 : 1;
        var nodes = new JsonArray(
            Node("stem", "Conv2d", Conv(inChannels.ToString(), "32", 3, stemStride, 1), "image"),
            Node("stem_bn", "BatchNorm2d", Features(32), "stem"),
            Node("stem_relu", "ReLU", null, "stem_bn"));
        string previous = "stem_relu";
        int channels = 32;
        for (int i = 0; i < Blocks.Length; i++)
        {
            var (outC, stride) = Blocks[i];
            string name = $"block{i + 1}";
            nodes.Add(Node(name, "Separable", new JsonObject { ["in_channels"] = channels, ["out_channels"] = outC, ["stride"] = stride }, previous));
            (previous, channels) = (name, outC);
        }
        // AdaptiveAvgPool2d(1) + Flatten rather than Mean: the pooling has a planned form, so the whole chain trains as planned steps.
        nodes.Add(Node("pool", "AdaptiveAvgPool2d", new JsonObject { ["output_size"] = 1 }, previous));
        nodes.Add(Node("flatten", "Flatten", null, "pool"));
        nodes.Add(Node("fc", "Linear", new JsonObject { ["in_features"] = channels, ["out_features"] = classes }, "flatten"));
        return PresetGraph.Build(inChannels, height, width, blocks, nodes, "fc", rng, "mobilenet");
    }
}
