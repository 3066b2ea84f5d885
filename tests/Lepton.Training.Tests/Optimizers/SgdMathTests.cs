using Lepton.Engine;
using Lepton.Training.Optimizers;

namespace Lepton.Training.Tests.Optimizers;

/// <summary>The SIMD SGD update against its scalar reference, bit for bit, for every option combination.</summary>
public sealed class SgdMathTests
{
    public static TheoryData<int, double, double, double, bool> Cases => new()
    {
        { 1, 0, 0, 0, false }, { 7, 0.01, 0, 0, false }, { 16, 0, 0.9, 0, false }, { 17, 0.01, 0.9, 0.1, false },
        { 33, 0, 0.9, 0, true }, { 1001, 0.05, 0.5, 0, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SimdUpdateHasTheReferenceBits(int n, double wd, double momentum, double dampening, bool nesterov)
    {
        var rng = new Generator(21);
        var p = Tensor.Randn(new Shape(n), rng).ToArray();
        var g = Tensor.Randn(new Shape(n), rng).ToArray();
        var (p2, buf, buf2) = ((float[])p.Clone(), new float[n], new float[n]);
        for (int step = 1; step <= 3; step++)
        {
            var s = new SgdMath.Settings<float>(0.1, wd, momentum, dampening, nesterov, first: step == 1);
            SgdMath.Update<float>(p, g, momentum != 0 ? buf : default, s);
            SgdMath.UpdateReference<float>(p2, g, momentum != 0 ? buf2 : default, s);
        }
        Assert.Equal(p2, p);
        Assert.Equal(buf2, buf);
    }
}
