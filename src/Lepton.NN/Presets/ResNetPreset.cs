using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Graph;
using static Lepton.NN.Presets.PresetGraph;

namespace Lepton.NN.Presets;

/// <summary>
/// <c>resnet</c>: a small ResNet (He et al. 2015, basic blocks). Stem conv3x3(32)-BN-ReLU (stride 2 when the short side is
/// 64 pixels or more), then three stages of one basic block each at 32, 64 and 128 channels, the last two downsampling by 2
/// with a 1x1 stride-2 projection shortcut; global average pooling (<c>AdaptiveAvgPool2d(1)</c>, <c>Flatten</c>) and a linear head <c>fc</c>.
/// On 28x28 that is 28→14→7 and about 37M multiply-adds per image forward, 0.29M parameters.
/// </summary>
internal static class ResNetPreset
{
    public static readonly int[] Widths = [32, 64, 128];

    public static GraphModel Build(int inChannels, int height, int width, int classes, Generator rng)
    {
        var blocks = new JsonObject
        {
            // conv-bn-relu-conv-bn + identity, relu
            ["Basic"] = new JsonObject
            {
                ["parameters"] = new JsonObject { ["channels"] = null },
                ["inputs"] = new JsonArray("x"),
                ["nodes"] = new JsonArray(
                    Node("conv1", "Conv2d", Conv("$channels", "$channels", 3, 1, 1), "x"),
                    Node("bn1", "BatchNorm2d", Features("$channels"), "conv1"),
                    Node("relu1", "ReLU", null, "bn1"),
                    Node("conv2", "Conv2d", Conv("$channels", "$channels", 3, 1, 1), "relu1"),
                    Node("bn2", "BatchNorm2d", Features("$channels"), "conv2"),
                    Node("add", "Add", null, "bn2", "x"),
                    Node("relu2", "ReLU", null, "add")),
                ["outputs"] = new JsonArray("relu2"),
            },
            // conv(stride)-bn-relu-conv-bn + conv1x1(stride)-bn projection, relu
            ["Down"] = new JsonObject
            {
                ["parameters"] = new JsonObject { ["in_channels"] = null, ["out_channels"] = null, ["stride"] = 2 },
                ["inputs"] = new JsonArray("x"),
                ["nodes"] = new JsonArray(
                    Node("conv1", "Conv2d", Conv("$in_channels", "$out_channels", 3, "$stride", 1), "x"),
                    Node("bn1", "BatchNorm2d", Features("$out_channels"), "conv1"),
                    Node("relu1", "ReLU", null, "bn1"),
                    Node("conv2", "Conv2d", Conv("$out_channels", "$out_channels", 3, 1, 1), "relu1"),
                    Node("bn2", "BatchNorm2d", Features("$out_channels"), "conv2"),
                    Node("proj", "Conv2d", Conv("$in_channels", "$out_channels", 1, "$stride", 0), "x"),
                    Node("proj_bn", "BatchNorm2d", Features("$out_channels"), "proj"),
                    Node("add", "Add", null, "bn2", "proj_bn"),
                    Node("relu2", "ReLU", null, "add")),
                ["outputs"] = new JsonArray("relu2"),
            },
        };
        int stemStride = Math.Min(height, width) >= 64 ? 2 : 1;
        var nodes = new JsonArray(
            Node("stem", "Conv2d", Conv(inChannels.ToString(), Widths[0].ToString(), 3, stemStride, 1), "image"),
            Node("stem_bn", "BatchNorm2d", Features(Widths[0]), "stem"),
            Node("stem_relu", "ReLU", null, "stem_bn"),
            Node("layer1", "Basic", new JsonObject { ["channels"] = Widths[0] }, "stem_relu"),
            Node("layer2", "Down", new JsonObject { ["in_channels"] = Widths[0], ["out_channels"] = Widths[1] }, "layer1"),
            Node("layer3", "Down", new JsonObject { ["in_channels"] = Widths[1], ["out_channels"] = Widths[2] }, "layer2"),
            Node("pool", "AdaptiveAvgPool2d", new JsonObject { ["output_size"] = 1 }, "layer3"),
            Node("flatten", "Flatten", null, "pool"),
            Node("fc", "Linear", new JsonObject { ["in_features"] = Widths[2], ["out_features"] = classes }, "flatten"));
        return PresetGraph.Build(inChannels, height, width, blocks, nodes, "fc", rng, "resnet");
    }
}
