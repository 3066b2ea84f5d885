using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.Runtime.Explanations;
using Lepton.Tests.Shared;

namespace Lepton.Runtime.Tests.Explanations;

/// <summary>
/// The bright-patch network (<see cref="BrightPatchNetwork"/>): on an image with one bright 4×4 patch (and a dim decoy patch and
/// noise elsewhere), the evidence is the patch, and each method must say so; a network that reads half the image gets no
/// saliency on the other half.
/// </summary>
public sealed class ExplanationTests
{
    private const int Side = BrightPatchNetwork.Side;

    private static Sequential Network() => BrightPatchNetwork.Build();

    private static Tensor Image(int row, int col, ulong seed) => BrightPatchNetwork.Image(row, col, seed);

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

    [Fact]
    public void Saliency_OfANetworkThatIgnoresTheRightHalf_IsNearZeroThere()
    {
        // A linear classifier whose weights on the right half of the image are zero: the right half cannot move any score.
        var linear = new Linear(Side * Side, 4, rng: new Generator(8));
        var w = ((Tensor)linear.Weight).ToArray();
        for (int k = 0; k < 4; k++)
            for (int r = 0; r < Side; r++)
                for (int c = Side / 2; c < Side; c++) w[k * Side * Side + r * Side + c] = 0;
        linear.Weight.Assign(Tensor.FromArray(w, 4, Side * Side));
        var network = new Sequential(new Flatten(), linear);
        var explanation = ImageExplainer.Explain(network, Image(4, 12, 3), ["a", "b", "c", "d"]);
        double right = explanation.Saliency.MassInside(0, Side / 2, Side, Side / 2);
        Assert.True(right < 1e-6, $"saliency puts {right:P3} of its mass on the ignored half");
        Assert.True(explanation.Occlusion.MassInside(0, Side / 2, Side, Side / 2) < 0.25, "occlusion windows reach at most 1 px across the middle");
        Assert.Contains(explanation.Saliency.Values, v => v > 0.1f);
    }

    [Fact]
    public void Coarse_AveragesSquareCells_AndKeepsSmallMaps()
    {
        var map = new ExplanationMap("m", 4, 5, [.. Enumerable.Range(0, 20).Select(i => (float)i)]);
        Assert.Same(map, map.Coarse(5));
        var coarse = map.Coarse(3);
        // Cells of 2×2 pixels: 2 rows × 3 columns, the last column one pixel wide.
        Assert.Equal((2, 3), (coarse.Height, coarse.Width));
        Assert.Equal((0 + 1 + 5 + 6) / 4f, coarse.Values[0]);
        Assert.Equal((4 + 9) / 2f, coarse.Values[2]);
        Assert.Equal((14 + 19) / 2f, coarse.Values[5]);
    }
}
