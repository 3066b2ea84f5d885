using Lepton.Data.Transforms;
using Lepton.Engine;

namespace Lepton.Data.Tests;

public class InMemoryDatasetTests
{
    [Fact]
    public void GetBatchGathersRowsInIndexOrder()
    {
        var data = TestData.Indexed(6);
        Assert.Equal(new Shape(2, 3), data.InputShape);
        var batch = data.GetBatch([4, 1, 4]);
        Assert.Equal(new[] { 4, 1, 4 }, TestData.IndicesOf(batch));
        Assert.Equal(45f, batch.Inputs[0, 1, 2]);
        Assert.Equal(new[] { 1, 1, 1 }, batch.Targets.ToIntArray());
    }

    [Fact]
    public void FloatTargetsAreGatheredToo()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3 }, 3, 1);
        var y = Tensor.FromArray(new float[] { 10, 11, 20, 21, 30, 31 }, 3, 2);
        var batch = new InMemoryDataset(x, y).GetBatch([2, 0]);
        Assert.Equal(new[] { 30f, 31f, 10f, 11f }, batch.Targets.ToArray());
        Assert.Equal(new Shape(2, 2), batch.Targets.Shape);
    }

    [Fact]
    public void MultiHotTargetsSurviveRecycledLoadingAndSplits()
    {
        // Multi-label / regression rows (N, 3): every batch of a recycling loader, and each split, keeps each row whole.
        int n = 10;
        var x = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), n, 1);
        var y = Tensor.FromArray(Enumerable.Range(0, n * 3).Select(i => (float)(i / 3 * 10 + i % 3)).ToArray(), n, 3);
        var data = new InMemoryDataset(x, y);
        using var loader = new DataLoader(data, new DataLoaderOptions(BatchSize: 4, Seed: 1, RecycleBatches: true));
        int seen = 0;
        foreach (var b in loader)
        {
            Assert.Equal(DType.Float32, b.Targets.DType);
            Assert.Equal(3, b.Targets.Shape[1]);
            var inputs = b.Inputs.ToArray();
            var targets = b.Targets.ToArray();
            for (int i = 0; i < b.Count; i++)
                Assert.Equal(new[] { inputs[i] * 10, inputs[i] * 10 + 1, inputs[i] * 10 + 2 }, targets.Skip(i * 3).Take(3));
            seen += b.Count;
        }
        Assert.Equal(n, seen);
        var (first, second) = data.Split(0.7, seed: 2);
        Assert.Equal(new Shape(7, 3), first.Targets.Shape);
        Assert.Equal(new Shape(3, 3), second.Targets.Shape);
    }

    [Fact]
    public void TargetsOfAnotherDTypeAreRefusedWithTheFix()
    {
        var error = Assert.Throws<ArgumentException>(() => new InMemoryDataset(Tensor.Zeros(3, 2), Tensor.Zeros(new Shape(3, 2), DType.Float64)));
        Assert.Contains("Float64", error.Message);
        Assert.Contains("To(DType.Float32)", error.Message);
    }

    [Fact]
    public void SplitIsSeededDisjointAndComplete()
    {
        var data = TestData.Indexed(10);
        var (train, valid) = data.Split(0.8, seed: 5);
        Assert.Equal(8, train.Count);
        Assert.Equal(2, valid.Count);
        var all = TestData.IndicesOf(train.GetBatch(Enumerable.Range(0, 8).ToArray()))
            .Concat(TestData.IndicesOf(valid.GetBatch([0, 1])));
        Assert.Equal(Enumerable.Range(0, 10), all.Order());
        var (again, _) = data.Split(0.8, seed: 5);
        Assert.Equal(train.Inputs.ToArray(), again.Inputs.ToArray());
        Assert.Equal(data.ClassNames, train.ClassNames);
    }

    [Fact]
    public void InvalidInputsGetClearErrors()
    {
        var x = Tensor.Zeros(3, 2);
        Assert.Contains("same number of examples", Assert.Throws<ArgumentException>(() => new InMemoryDataset(x, Tensor.Zeros(new Shape(4), DType.Int32))).Message);
        Assert.Contains("float32 inputs", Assert.Throws<ArgumentException>(() => new InMemoryDataset(Tensor.Zeros(new Shape(3), DType.Int32), Tensor.Zeros(new Shape(3), DType.Int32))).Message);
        Assert.Contains("class id 5", Assert.Throws<ArgumentException>(() => new InMemoryDataset(x, Tensor.FromArray(new[] { 0, 1, 5 }), ["a", "b"])).Message);
        Assert.Contains("index 3", Assert.Throws<ArgumentOutOfRangeException>(() => TestData.Indexed(3).GetBatch([3])).Message);
    }

    [Fact]
    public void NormalizeIsPerChannel()
    {
        var x = Tensor.FromArray(new float[] { 1, 3, 10, 30, 5, 7, 50, 70 }, 2, 2, 2);
        var y = new Normalize([2f, 20f], [1f, 10f]).Apply(x);
        Assert.Equal(new[] { -1f, 1f, -1f, 1f, 3f, 5f, 3f, 5f }, y.ToArray());
        Assert.Equal(new[] { 1f, 3f, 10f, 30f, 5f, 7f, 50f, 70f }, x.ToArray());
        Assert.Contains("C=2", Assert.Throws<ArgumentException>(() => new Normalize([0f, 0f, 0f], [1f, 1f, 1f]).Apply(x)).Message);
    }

    [Fact]
    public void PreprocessingScalesThenNormalizes()
    {
        var raw = Tensor.FromArray(new float[] { 0, 255 }, 1, 1, 2);
        var y = FashionMnist.Preprocessing.Apply(raw).ToArray();
        Assert.Equal((0 - 0.2860f) / 0.3530f, y[0], 5);
        Assert.Equal((1 - 0.2860f) / 0.3530f, y[1], 5);
        Assert.Equal(new[] { 0f, 255f }, Preprocessing.Identity.Apply(raw).ToArray());
    }
}
