using Lepton.Engine.Kernels;

namespace Lepton.Engine.Tests;

/// <summary>
/// MaxPool(ReLU(x)) without argmax (the conv epilogue and inference): the plain-maximum kernel against ReluOp then the
/// reference pooling loops, bit for bit (NaN, -0 and +/-inf in, +0 out where ReLU makes it), writing nothing outside its
/// outputs.
/// </summary>
public class MaxPool2x2ReluInferenceTests
{
    // Few distinct values (ties), negatives, both zeros, both infinities and NaNs of either sign.
    private static float[] AwkwardInput(int length, int seed)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < x.Length; i++)
            x[i] = rng.Next(16) switch
            {
                0 => float.NaN,
                1 => -float.NaN,
                2 => float.NegativeInfinity,
                3 => float.PositiveInfinity,
                4 => -0f,
                5 => 0f,
                _ => rng.Next(-3, 4) * 0.5f,
            };
        return x;
    }

    private static float[] Reference(float[] x, int xOffset, PoolGeometry g)
    {
        var relu = x.AsSpan(xOffset, g.Planes * g.H * g.W).ToArray().Select(v => new ReluOp().Apply(v)).ToArray();
        var y = new float[g.Planes * g.OH * g.OW];
        Pool2dReference.MaxForward<float>(relu, g, y);
        return y;
    }

    private static void AssertBits(float[] expected, float[] actual, int offset, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[offset + i]),
                $"{what} output {i}: expected {expected[i]}, got {actual[offset + i]}.");
    }

    [Theory]
    [InlineData(32, 28, 28)]  // conv1 of the reference CNN: ow = 14, one partial block a row
    [InlineData(64, 14, 14)]  // conv2: ow = 7, two rows a vector
    [InlineData(3, 4, 32)]    // one full block, no tail
    [InlineData(2, 6, 34)]    // a full block and a one-output tail
    [InlineData(5, 2, 2)]     // ow = 1, odd number of output rows
    [InlineData(3, 6, 14)]    // odd number of rows (9) in the two-row kernel
    [InlineData(4, 4, 16)]    // ow = 8: the two-row kernel's widest
    [InlineData(2, 4, 18)]    // ow = 9: the row kernel's narrowest
    [InlineData(1, 2, 30)]    // ow = 15: 30 columns, both tail loads partial
    [InlineData(2, 4, 96)]    // several full blocks
    public void ReluPoolPlanesEqualsReluThenReferencePool(int planes, int h, int w)
    {
        var g = new PoolGeometry(planes, h, w, 2, 2, 2, 2);
        int outSize = planes * g.OH * g.OW;
        foreach (var (xOffset, yOffset) in new[] { (0, 0), (3, 5) })
        {
            // x ends where the planes end: any read past them would be past the array.
            var x = AwkwardInput(xOffset + planes * h * w, planes * 1000 + h * 10 + w + xOffset);
            var expected = Reference(x, xOffset, g);

            var y = new float[yOffset + outSize + 16];
            Array.Fill(y, 77f);
            MaxPool2x2.ReluPoolPlanes(x, xOffset, planes, h, w, y, yOffset);
            AssertBits(expected, y, yOffset, "ReluPoolPlanes");
            Assert.All(y[..yOffset], v => Assert.Equal(77f, v));
            Assert.All(y[(yOffset + outSize)..], v => Assert.Equal(77f, v));

            // The threaded inference path (no argmax) runs the same kernel on row ranges.
            var yInfer = new float[outSize + 16];
            Array.Fill(yInfer, 77f);
            MaxPool2x2.Forward(x, xOffset, g, yInfer, null, relu: true);
            AssertBits(expected, yInfer, 0, "Forward");
            Assert.All(yInfer[outSize..], v => Assert.Equal(77f, v));
        }
    }
}
