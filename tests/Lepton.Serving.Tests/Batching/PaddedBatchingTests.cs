using System.Collections.Concurrent;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Serving.Batching;

namespace Lepton.Serving.Tests.Batching;

/// <summary>Variable-length int32 inputs (token ids) share a batch padded by the signature's rule; several inputs travel together.</summary>
public sealed class PaddedBatchingTests
{
    [Fact]
    public async Task VariableLengthInt32Rows_ArePaddedToTheLongestInTheBatch_WithTheRulesValue()
    {
        using var release = new ManualResetEventSlim(false);
        using var started = new SemaphoreSlim(0);
        var seen = new ConcurrentQueue<Tensor>();
        // Echoes its input, so each request gets back its own rows as the batch saw them.
        await using var batcher = new DynamicBatcher(x => { seen.Enqueue(x[0]); started.Release(); release.Wait(); return x[0]; },
            [new PaddingRule(0, -7)], [new PaddingRule(0, -7)], new DynamicBatcherOptions(MaxBatchSize: 8, MaxQueueDelay: TimeSpan.Zero));
        var first = batcher.InferAsync(Tensor.FromArray(new[] { 9 }, 1, 1));
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(10)));
        var shortRow = batcher.InferAsync(Tensor.FromArray(new[] { 1, 2 }, 1, 2));
        var longRows = batcher.InferAsync(Tensor.FromArray(new[] { 3, 4, 5, 6, 7, 8, 9, 10 }, 2, 4));
        release.Set();
        await first;
        var (shortResult, longResult) = (await shortRow, await longRows);

        var batch = seen.ToArray()[1];
        Assert.Equal((DType.Int32, new Shape(3, 4)), (batch.DType, batch.Shape));
        Assert.Equal(new[] { 1, 2, -7, -7, 3, 4, 5, 6, 7, 8, 9, 10 }, batch.ToIntArray());
        Assert.Equal(new[] { 1, 2, -7, -7 }, shortResult.ToIntArray());
        Assert.Equal(new[] { 3, 4, 5, 6, 7, 8, 9, 10 }, longResult.ToIntArray());
    }

    [Fact]
    public async Task ARequestLargerThanABatch_IsSplitAndRejoined_PerInput()
    {
        var batches = new ConcurrentQueue<int>();
        // Two inputs (ids and a mask); the output is ids * mask, one row per input row.
        await using var batcher = new DynamicBatcher(x => { batches.Enqueue(x[0].Shape[0]); return x[0].To(DType.Float32).Mul(x[1].To(DType.Float32)); },
            [null, null], [null], new DynamicBatcherOptions(MaxBatchSize: 2, MaxQueueDelay: TimeSpan.Zero));
        var ids = Tensor.FromArray(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 5, 2);
        var mask = Tensor.FromArray(new[] { 1, 0, 1, 1, 0, 1, 1, 1, 1, 0 }, 5, 2);
        var result = await batcher.InferAsync(new TensorSet([ids, mask]));
        Assert.Equal(1, result.Count);
        Assert.Equal([1f, 0, 3, 4, 0, 6, 7, 8, 9, 0], result[0].ToArray());
        Assert.Equal([2, 2, 1], batches.ToArray());
    }

    [Fact]
    public async Task InputsWithDifferentRowCounts_AreRefused()
    {
        await using var batcher = new DynamicBatcher(x => x[0], [null, null], [null], new DynamicBatcherOptions());
        var error = await Assert.ThrowsAsync<InferenceInputException>(() =>
            batcher.InferAsync(new TensorSet([Tensor.Zeros(2, 3), Tensor.Zeros(3, 3)])));
        Assert.Contains("same batch dimension", error.Message);
    }
}
