using Lepton.Engine.Autograd;
using Lepton.Engine.Memory;

namespace Lepton.Engine.Tests;

/// <summary>TensorPool and TensorScope: reuse, zeroing, stale-tensor detection, suspension, nesting and misuse.</summary>
public class TensorPoolTests
{
    // x: (8,16) -> relu(x·w) summed, with its backward: the ops of a tiny training step.
    private static float Step(Tensor x, Tensor w)
    {
        var loss = x.Matmul(w).Relu().Sum();
        var grads = loss.Backward();
        return loss.Item() + grads.Get(w).ToArray()[0];
    }

    [Fact]
    public void RepeatedStepReusesEveryBufferAndGivesTheSameResult()
    {
        var rng = new Generator(3);
        var x = Tensor.Randn(new Shape(8, 16), rng);
        var w = Tensor.Randn(new Shape(16, 4), rng).RequireGrad();
        float unpooled = Step(x, w);
        var pool = new TensorPool();
        using (pool.BeginScope()) Assert.Equal(unpooled, Step(x, w));
        long allocated = pool.Allocated;
        Assert.True(allocated > 0);
        for (int i = 0; i < 5; i++)
            using (pool.BeginScope()) Assert.Equal(unpooled, Step(x, w));
        Assert.Equal(allocated, pool.Allocated);
        Assert.Equal(5 * allocated, pool.Reused);
        Assert.True(pool.RetainedBytes > 0);
    }

    [Fact]
    public void ReusedBufferIsClearedWhenZerosAreAsked()
    {
        var pool = new TensorPool();
        using (pool.BeginScope()) Tensor.Full(new Shape(1000), 7).Span<float>()[0] = 9;
        using (pool.BeginScope())
        {
            var z = Tensor.Zeros(1000);
            Assert.Equal(1, pool.Reused);
            Assert.All(z.ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void TensorReadAfterItsScopeEndedThrowsAndSaysHowToKeepIt()
    {
        var pool = new TensorPool();
        Tensor kept;
        using (pool.BeginScope()) kept = Tensor.Ones(4, 4).Mul(2);
        Assert.True(kept.Storage.Released);
        var ex = Assert.Throws<ObjectDisposedException>(() => kept.ToArray());
        Assert.Contains("TensorScope", ex.Message);
        Assert.Contains("ToArray()", ex.Message);
        // A view shares the storage, so it is stale too.
        Assert.Throws<ObjectDisposedException>(() => kept.Reshape(16).Sum());
    }

    [Fact]
    public void SuspendedScopeMakesTensorsThatOutliveIt()
    {
        var pool = new TensorPool();
        Tensor kept;
        using (pool.BeginScope())
        {
            var temp = Tensor.Ones(3).Mul(5);
            using (TensorScope.Suspend())
            {
                Assert.False(TensorScope.IsActive);
                kept = temp.Add(1);
            }
            Assert.True(TensorScope.IsActive);
        }
        Assert.False(TensorScope.IsActive);
        Assert.Equal(new float[] { 6, 6, 6 }, kept.ToArray());
    }

    [Fact]
    public void NestedScopesReturnOnlyTheirOwnBuffers()
    {
        var pool = new TensorPool();
        using var outer = pool.BeginScope();
        var a = Tensor.Ones(10);
        Tensor b;
        using (pool.BeginScope()) b = Tensor.Ones(10);
        Assert.True(b.Storage.Released);
        Assert.False(a.Storage.Released);
        Assert.Equal(10f, a.Sum().Item());
    }

    [Fact]
    public void MisuseIsRefusedWithAClearError()
    {
        var pool = new TensorPool();
        var outer = pool.BeginScope();
        var inner = pool.BeginScope();
        var order = Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        Assert.Contains("reverse order", order.Message);
        inner.Dispose();
        outer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => outer.Dispose());

        var scope = pool.BeginScope();
        Exception? onOtherThread = null;
        var thread = new Thread(() =>
        {
            try { scope.Dispose(); }
            catch (Exception e) { onOtherThread = e; }
        });
        thread.Start();
        thread.Join();
        Assert.IsType<InvalidOperationException>(onOtherThread);
        Assert.Contains("thread that opened it", onOtherThread!.Message);
        scope.Dispose();
    }

    [Fact]
    public void StaleHandleCannotCloseTheScopeThatReusesItsFrame()
    {
        var pool = new TensorPool();
        var first = pool.BeginScope();
        first.Dispose();
        using var second = pool.BeginScope();
        Assert.Throws<ObjectDisposedException>(() => first.Dispose());
        Assert.True(TensorScope.IsActive);
    }

    [Fact]
    public void RetentionLimitSendsExtraBuffersToTheCollector()
    {
        var pool = new TensorPool(maxRetainedBytes: 4 * 100);
        using (pool.BeginScope())
        {
            Tensor.Zeros(100);
            Tensor.Zeros(100);
        }
        Assert.Equal(400, pool.RetainedBytes);
        pool.Trim();
        Assert.Equal(0, pool.RetainedBytes);
    }

    [Fact]
    public void DisposedPoolKeepsNothingAndOpensNoScopes()
    {
        var pool = new TensorPool();
        var scope = pool.BeginScope();
        var t = Tensor.Zeros(100);
        pool.Dispose();
        scope.Dispose();
        Assert.True(t.Storage.Released);
        Assert.Equal(0, pool.RetainedBytes);
        Assert.Throws<ObjectDisposedException>(() => pool.BeginScope());
    }

    [Fact]
    public void BackwardAndNoGradWorkInsideAScope()
    {
        var pool = new TensorPool();
        var x = Tensor.FromArray(new double[] { 1, 2, 3 }).RequireGrad();
        using (pool.BeginScope())
        {
            var g = x.Square().Sum().Backward();
            Assert.Equal(new double[] { 2, 4, 6 }, g.Get(x).ToDoubleArray());
            using (new NoGrad()) Assert.Null(x.Mul(2).Node);
        }
        Assert.False(x.Storage.Released);
    }
}
