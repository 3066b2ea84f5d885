using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.Runtime.Explanations;

namespace Lepton.Runtime.Tests.Explanations;

/// <summary>
/// A network whose decision is known by construction: its conv layer has a bright-spot channel (3×3 mean above 0.5) and a
/// dark-background channel; the classifier reads only the bright-spot channel, class k from quadrant k. On an image with one
/// bright 4×4 patch (and a dim decoy patch and noise elsewhere), the evidence is the patch, and each method must say so.
/// </summary>
public sealed class ExplanationTests
{
    private const int Side = 16;

    private static Sequential Network()
    {
        var conv = new Conv2d(1, 2, 3, new Conv2dOptions(Padding: 1), new Generator(1));
        var w = new float[2 * 9];
        for (int i = 0; i < 9; i++)
        {
            w[i] = 1f / 9;
            w[9 + i] = -1f / 9;
        }
        conv.Weight.Assign(Tensor.FromArray(w, 2, 1, 3, 3));
        conv.Bias!.Assign(Tensor.FromArray([-0.5f, 0.6f], 2));
        var linear = new Linear(2 * Side * Side, 4, rng: new Generator(2));
        var lw = new float[4 * 2 * Side * Side];
        int half = Side / 2;
        for (int k = 0; k < 4; k++)
            for (int r = 0; r < half; r++)
                for (int c = 0; c < half; c++)
                    lw[k * 2 * Side * Side + (k / 2 * half + r) * Side + k % 2 * half + c] = 1f / (half * half) * 20;
        linear.Weight.Assign(Tensor.FromArray(lw, 4, 2 * Side * Side));
        linear.Bias!.Assign(Tensor.Zeros(4));
        return new Sequential(conv, new ReLU(), new Flatten(), linear);
    }

    // Values in [0,1] (already preprocessed): noise up to 0.25, a bright patch at (row, col), a dim decoy in the opposite quadrant.
    private static Tensor Image(int row, int col, ulong seed)
    {
        var rng = new Generator(seed);
        var x = new float[Side * Side];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 0.25);
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
            {
                x[(row + r) * Side + col + c] = 0.9f;
                x[((row + 8) % Side + r) * Side + (col + 8) % Side + c] = 0.42f;
            }
        return Tensor.FromArray(x, 1, 1, Side, Side);
    }

    [Theory]
    [InlineData(2, 2, 0)]
    [InlineData(3, 10, 1)]
    [InlineData(10, 1, 2)]
    [InlineData(11, 11, 3)]
    public void BrightPatch_GetsMostOfEachMapsMass(int row, int col, int expectedClass)
    {
        var explanation = ImageExplainer.Explain(Network(), Image(row, col, (ulong)(row * 31 + col)), ["a", "b", "c", "d"]);
        Assert.Equal(expectedClass, explanation.Class);
        Assert.Null(explanation.GradCamUnavailable);
        double gradCam = explanation.GradCam!.MassInside(row, col, 4, 4);
        Assert.True(gradCam > 0.9, $"Grad-CAM puts {gradCam:P1} of its mass on the patch");
        // Gradients and occlusion reach one pixel past the patch through the 3×3 conv.
        double saliency = explanation.Saliency.MassInside(row - 1, col - 1, 6, 6);
        Assert.True(saliency > 0.9, $"saliency puts {saliency:P1} of its mass on the patch and its border");
        double occlusion = explanation.Occlusion.MassInside(row - 1, col - 1, 6, 6);
        Assert.True(occlusion > 0.8, $"occlusion puts {occlusion:P1} of its mass on the patch and its border");
        // The decoy is as large as the patch but too dim for the bright-spot channel: no method points at it.
        int decoyRow = (row + 8) % Side, decoyCol = (col + 8) % Side;
        Assert.True(explanation.GradCam.MassInside(decoyRow, decoyCol, 4, 4) < 0.02);
    }

    [Fact]
    public void NetworkWithoutConv_HasNoGradCam_ButSaliencyAndOcclusion()
    {
        var mlp = new Sequential(new Flatten(), new Linear(Side * Side, 4, rng: new Generator(3)));
        var plain = ImageExplainer.Explain(mlp, Image(2, 2, 5), ["a", "b", "c", "d"]);
        Assert.Null(plain.GradCam);
        Assert.Contains("no Conv2d layer", plain.GradCamUnavailable);
        Assert.Equal(Side * Side, plain.Saliency.Values.Length);
    }

    [Fact]
    public void AtConvOutput_FoundInTheRecordedGraph_PutsMostMassOnThePatchToo()
    {
        // The conv output before its ReLU: negative off the patch, so ReLU(α·A) keeps the patch alone.
        var (map, reason) = GradCam.AtConvOutput(Network(), Image(3, 10, 7), 1);
        Assert.Null(reason);
        Assert.True(map!.MassInside(3, 10, 4, 4) > 0.9, $"{map.MassInside(3, 10, 4, 4):P1}");
    }

    [Fact]
    public void AtConvOutput_EqualsTheSplitNetworkMap_WhenTheConvFeedsTheHeadDirectly()
    {
        var network = new Sequential(new Conv2d(1, 3, 3, new Conv2dOptions(Padding: 1), new Generator(5)), new Flatten(), new Linear(3 * Side * Side, 4, rng: new Generator(6)));
        var x = Image(2, 2, 9);
        int nonZero = 0;
        for (int cls = 0; cls < 4; cls++)
        {
            var (split, _) = GradCam.Compute(network, x, cls);
            var (recorded, _) = GradCam.AtConvOutput(network, x, cls);
            Assert.Equal(split!.Values.Length, recorded!.Values.Length);
            for (int i = 0; i < split.Values.Length; i++) Assert.Equal(split.Values[i], recorded.Values[i], 5);
            if (split.Values.Any(v => v > 0)) nonZero++;
        }
        // A random head finds evidence for some classes (a class whose weighted sum is negative everywhere gets an empty map).
        Assert.True(nonZero > 0);
    }

    [Fact]
    public void BranchingGraph_GetsGradCamFromItsLastConvOutput_AndSaliencyAndOcclusion()
    {
        var resnet = Lepton.NN.Presets.ModelPresets.Build("resnet", 1, Side, Side, 4, new Generator(4));
        var explanation = ImageExplainer.Explain(resnet, Image(2, 2, 5), ["a", "b", "c", "d"]);
        Assert.Null(explanation.GradCamUnavailable);
        Assert.Equal(Side * Side, explanation.GradCam!.Values.Length);
        Assert.Contains(explanation.Saliency.Values, v => v > 0);
        Assert.Equal(Side * Side, explanation.Occlusion.Values.Length);
    }

    [Fact]
    public void ExplanationImage_IsAPngWithOnePanelPerMap()
    {
        var x = Image(2, 2, 5);
        var explanation = ImageExplainer.Explain(Network(), x, ["a", "b", "c", "d"]);
        var raw = x.ToArray().Select(v => v * 255).ToArray();
        var png = ExplanationImage.Render(raw, 1, Side, Side, explanation);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
        // 16 px scaled ×8 to 128; four panels with three 4 px gaps.
        int width = (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19];
        Assert.Equal(4 * 128 + 3 * 4, width);
    }
}
