using Lepton.Engine.Autograd;

namespace Lepton.Engine.Tests;

/// <summary>Backward, NoGrad, accumulation into an existing GradStore, and the gradient checker itself.</summary>
public class AutogradTests
{
    [Fact]
    public void BackwardGivesLeafGradients()
    {
        var x = Tensor.FromArray(new double[] { 1, 2, 3 }).RequireGrad();
        var g = x.Square().Sum().Backward();
        Assert.Equal(new double[] { 2, 4, 6 }, g.Get(x).ToDoubleArray());
        Assert.Equal(1, g.Count);
    }

    [Fact]
    public void RetainGrad_KeepsAnIntermediatesGradient_AndTheLeafGradientsStayTheSame()
    {
        var x = Tensor.FromArray(new double[] { 1, 2, 3 }).RequireGrad();
        var h = x.Square().RetainGrad();
        // y = Σ 3·h + h² : dy/dh = 3 + 2h, dy/dx = (3 + 2x²)·2x.
        var g = h.Mul(3).Add(h.Square()).Sum().Backward();
        Assert.Equal(new double[] { 5, 11, 21 }, g.Get(h).ToDoubleArray());
        Assert.Equal(new double[] { 10, 44, 126 }, g.Get(x).ToDoubleArray());
        Assert.Equal(2, g.Count);
        Assert.Throws<InvalidOperationException>(() => Tensor.FromArray(new double[] { 1 }).RetainGrad());
    }

    [Fact]
    public void ReusedTensorGradientsAddUp()
    {
        var x = Tensor.FromArray(new double[] { 1, 2 }).RequireGrad();
        var y = x.Mul(x).Add(x).Sum();
        Assert.Equal(new double[] { 3, 5 }, y.Backward().Get(x).ToDoubleArray());
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        var x = Tensor.FromArray(new double[] { 1, 2 }).RequireGrad();
        Tensor y;
        using (new NoGrad())
        {
            Assert.True(NoGrad.IsActive);
            y = x.Mul(2).Sum();
        }
        Assert.False(NoGrad.IsActive);
        Assert.False(y.RequiresGrad);
        Assert.Null(y.Node);
        Assert.Throws<InvalidOperationException>(() => y.Backward());
    }

    [Fact]
    public void GradientsAccumulateIntoAnExistingStore()
    {
        var w = Tensor.FromArray(new double[] { 1, -1 }).RequireGrad();
        var store = w.Mul(3).Sum().Backward();
        var again = w.Square().Sum().Backward(store);
        Assert.Same(store, again);
        Assert.Equal(new double[] { 5, 1 }, store.Get(w).ToDoubleArray());
    }

    [Fact]
    public void ConstantsGetNoGradient()
    {
        var w = Tensor.FromArray(new double[] { 1, 2 }).RequireGrad();
        var c = Tensor.FromArray(new double[] { 3, 4 });
        var g = w.Mul(c).Sum().Backward();
        Assert.Null(g[c]);
        Assert.Throws<KeyNotFoundException>(() => g.Get(c));
        Assert.Equal(new double[] { 3, 4 }, g.Get(w).ToDoubleArray());
    }

    [Fact]
    public void NonScalarBackwardNeedsASeed()
    {
        var x = Tensor.FromArray(new double[] { 1, 2 }).RequireGrad();
        var y = x.Mul(x);
        var ex = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("Sum()", ex.Message);
        var g = y.Backward(seed: Tensor.FromArray(new double[] { 1, 10 }));
        Assert.Equal(new double[] { 2, 40 }, g.Get(x).ToDoubleArray());
    }

    [Fact]
    public void DetachCutsTheGraph()
    {
        var x = Tensor.FromArray(new double[] { 2 }).RequireGrad();
        var y = x.Mul(x.Detach()).Sum();
        Assert.Equal(new double[] { 2 }, y.Backward().Get(x).ToDoubleArray());
    }

    [Fact]
    public void GradientsFlowThroughFloat32Conv()
    {
        var x = Tensor.Randn(new Shape(2, 1, 6, 6), new Generator(1)).RequireGrad();
        var w = Tensor.Randn(new Shape(3, 1, 3, 3), new Generator(2)).RequireGrad();
        var b = Tensor.Zeros(3).RequireGrad();
        var y = x.Conv2d(w, b, padH: 1, padW: 1).Relu().MaxPool2d(2, 2, 2, 2).Flatten(1).LogSoftmax().Mean();
        var g = y.Backward();
        Assert.Equal(x.Shape, g.Get(x).Shape);
        Assert.Equal(w.Shape, g.Get(w).Shape);
        Assert.Equal(DType.Float32, g.Get(b).DType);
    }

    [Fact]
    public void GradCheckCatchesAWrongBackward()
    {
        // x² recorded with the wrong derivative (1 instead of 2x) must fail the check.
        static Tensor WrongSquare(Tensor x)
        {
            Tensor r;
            using (new NoGrad()) r = x.Square();
            return Tape.Record(r, "wrong_square", [x], g => [g]);
        }
        Assert.ThrowsAny<Exception>(() => GradCheck.Check(t => WrongSquare(t[0]), TestData.Normal(1, 3)));
        GradCheck.Check(t => t[0].Square(), TestData.Normal(1, 3));
    }
}
