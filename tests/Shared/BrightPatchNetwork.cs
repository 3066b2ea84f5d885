using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;

namespace Lepton.Tests.Shared;

/// <summary>
/// A network whose decision is known by construction: its conv layer has a bright-spot channel (3×3 mean above 0.5) and a
/// dark-background channel; the classifier reads only the bright-spot channel, class k from quadrant k of a 16×16 image.
/// The explanation tests (library, server, command line) check that each method points at the bright patch.
/// </summary>
public static class BrightPatchNetwork
{
    public const int Side = 16;

    public static Sequential Build()
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

    /// <summary>
    /// Values in [0,1] (already preprocessed): noise up to 0.25, a bright 4×4 patch at (row, col), a dim decoy in the opposite
    /// quadrant. (1,1,16,16)
    /// </summary>
    public static Tensor Image(int row, int col, ulong seed)
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
}
