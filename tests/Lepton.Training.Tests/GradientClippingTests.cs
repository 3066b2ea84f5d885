using Lepton.Engine;
using Lepton.Engine.Autograd;

namespace Lepton.Training.Tests;

/// <summary>ClipByGlobalNorm against torch.nn.utils.clip_grad_norm_ (fixture).</summary>
public sealed class GradientClippingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void MatchesPyTorch(int index)
    {
        var c = Fixture.Root.GetProperty("clip")[index];
        var shapes = Fixture.Root.GetProperty("shapes").EnumerateArray().Select(Fixture.Ints).ToList();
        var before = c.GetProperty("grads_before").EnumerateArray().Select(Fixture.Floats).ToList();
        var after = c.GetProperty("grads_after").EnumerateArray().Select(Fixture.Doubles).ToList();
        var leaves = shapes.Select(s => Tensor.Zeros(s).RequireGrad()).ToList();
        var store = new GradStore();
        for (int i = 0; i < leaves.Count; i++) store.Set(leaves[i], Tensor.FromArray(before[i], shapes[i]));

        double norm = GradientClipping.ClipByGlobalNorm(store, c.GetProperty("max_norm").GetDouble());

        Assert.Equal(c.GetProperty("norm").GetDouble(), norm, 1e-5);
        for (int i = 0; i < leaves.Count; i++)
            Fixture.AssertClose(after[i], store.Get(leaves[i]).ToDoubleArray(), 1e-6, 1e-7, $"grad {i}");
    }

    [Fact]
    public void DoesNotScaleAGradientTensorSharedByTwoLeavesTwice()
    {
        var a = Tensor.Zeros(2).RequireGrad();
        var b = Tensor.Zeros(2).RequireGrad();
        var shared = Tensor.FromArray([3f, 4f], 2);
        var store = new GradStore();
        store.Set(a, shared);
        store.Set(b, shared);
        double norm = GradientClipping.ClipByGlobalNorm(store, 1.0);
        Assert.Equal(Math.Sqrt(50), norm, 6);
        Assert.Equal(store.Get(a).ToArray(), store.Get(b).ToArray());
        Assert.Equal([3f, 4f], shared.ToArray());
        Assert.Equal(1.0, GradientClipping.GlobalNorm(store), 5);
    }
}
