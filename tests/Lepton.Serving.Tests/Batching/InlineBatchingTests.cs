using System.Collections.Concurrent;
using Lepton.Engine;
using Lepton.Serving.Batching;
using Lepton.Serving.Tests.Models;

namespace Lepton.Serving.Tests.Batching;

/// <summary><see cref="BatchWait.Inline"/>: a lone request runs on its caller's thread; concurrent load still batches on the worker.</summary>
public sealed class InlineBatchingTests
{
    private static DynamicBatcherOptions Inline => new(MaxBatchSize: 8, MaxQueueDelay: TimeSpan.FromSeconds(5), Wait: BatchWait.Inline);

    [Fact]
    public async Task ALoneRequestRunsOnTheCallersThread()
    {
        var threads = new ConcurrentQueue<int>();
        await using var batcher = new DynamicBatcher(x => { threads.Enqueue(Environment.CurrentManagedThreadId); return x.Reshape(x.Shape[0], 8); }, Inline);

        for (int i = 0; i < 3; i++)
        {
            var input = TestModelFolders.Inputs(1, i);
            int caller = Environment.CurrentManagedThreadId;
            var task = batcher.InferAsync(input);
            // No hand-off: the forward pass already ran, synchronously, before InferAsync returned.
            Assert.True(task.IsCompletedSuccessfully, "a lone request should complete on the caller's thread");
            Assert.Equal(input.Reshape(1, 8).ToArray(), (await task).ToArray());
            Assert.Equal(caller, threads.Last());
        }
        Assert.Equal(3, batcher.Metrics.Batches);
    }

    [Fact]
    public async Task ALoneRequestOfMoreThanEightRowsGoesToTheWorker()
    {
        // The server runs handlers on its socket threads: a long pass there would hold up that thread's other connections.
        var threads = new ConcurrentQueue<int>();
        await using var batcher = new DynamicBatcher(x => { threads.Enqueue(Environment.CurrentManagedThreadId); return x.Reshape(x.Shape[0], 8); },
            Inline with { MaxBatchSize = 32 });
        int caller = Environment.CurrentManagedThreadId;
        var small = batcher.InferAsync(TestModelFolders.Inputs(8, 1));
        Assert.True(small.IsCompletedSuccessfully, "8 rows run on the caller's thread");
        await small;
        Assert.Equal(caller, threads.Last());
        var large = TestModelFolders.Inputs(9, 2);
        var result = await batcher.InferAsync(large);
        Assert.Equal(large.Reshape(9, 8).ToArray(), result.ToArray());
        Assert.NotEqual(caller, threads.Last());
    }

    [Fact]
    public async Task AfterTheWorkerAnswers_TheCallersNextRequestFindsTheModelIdle()
    {
        // The worker frees the model before it completes its callers' tasks: a caller that answers and sends the next request
        // at once (one connection's ping-pong) runs it inline rather than queueing behind the worker's last steps.
        await using var batcher = new DynamicBatcher(x => x.Reshape(x.Shape[0], 8), Inline with { MaxBatchSize = 32 });
        for (int i = 0; i < 20; i++)
        {
            var first = batcher.InferAsync(TestModelFolders.Inputs(9, i)); // more than 8 rows: the worker runs it
            // Watch for the answer from a spinning thread, so the next request goes in the instant the task completes.
            var next = await Task.Factory.StartNew(() =>
            {
                SpinWait.SpinUntil(() => first.IsCompleted);
                return batcher.InferAsync(TestModelFolders.Inputs(1, i));
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            Assert.True(next.IsCompletedSuccessfully, $"round {i}: the request after a worker pass should run inline");
            await first;
            await next;
        }
    }

    [Fact]
    public async Task RequestsArrivingDuringAnInlinePassShareTheWorkersNextBatch_AndTheModelNeverRunsTwiceAtOnce()
    {
        using var release = new ManualResetEventSlim(false);
        using var started = new SemaphoreSlim(0);
        int running = 0, most = 0;
        var batches = new ConcurrentQueue<int>();
        await using var batcher = new DynamicBatcher(x =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            batches.Enqueue(x.Shape[0]);
            started.Release();
            if (batches.Count == 1) release.Wait();
            Interlocked.Decrement(ref running);
            return x.Reshape(x.Shape[0], 8);
        }, Inline);

        // The first request claims the idle model on its own (pool) thread and blocks there.
        var first = Task.Run(() => batcher.InferAsync(TestModelFolders.Inputs(1, 1)));
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(5)), "the lone request should start at once");

        var inputs = Enumerable.Range(0, 5).Select(i => TestModelFolders.Inputs(1, 10 + i)).ToArray();
        var waiting = inputs.Select(x => batcher.InferAsync(x)).ToArray();
        Assert.All(waiting, t => Assert.False(t.IsCompleted));
        Assert.Equal(5, batcher.QueuedRows);
        release.Set();
        await first;
        var results = await Task.WhenAll(waiting);

        for (int i = 0; i < inputs.Length; i++) Assert.Equal(inputs[i].Reshape(1, 8).ToArray(), results[i].ToArray());
        Assert.Equal([1, 5], batches.ToArray());
        Assert.Equal(1, most);
    }

    [Fact]
    public async Task AfterABatchOfSeveralRequests_TheNextLoneRequestGoesToTheWorker()
    {
        using var release = new ManualResetEventSlim(false);
        using var started = new SemaphoreSlim(0);
        var threads = new ConcurrentQueue<int>();
        await using var batcher = new DynamicBatcher(x =>
        {
            threads.Enqueue(Environment.CurrentManagedThreadId);
            started.Release();
            if (threads.Count == 1) release.Wait();
            return x.Reshape(x.Shape[0], 8);
        }, Inline);

        var first = Task.Run(() => batcher.InferAsync(TestModelFolders.Inputs(1, 1)));
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(5)));
        var pair = new[] { batcher.InferAsync(TestModelFolders.Inputs(1, 2)), batcher.InferAsync(TestModelFolders.Inputs(1, 3)) };
        release.Set();
        await first;
        await Task.WhenAll(pair);

        // The worker's last pass held two requests: under load a lone arrival is a lull, so it joins the worker's queue.
        int caller = Environment.CurrentManagedThreadId;
        var next = batcher.InferAsync(TestModelFolders.Inputs(1, 4));
        await next;
        Assert.Equal(3, threads.Count);
        Assert.NotEqual(caller, threads.Last());
    }

    [Fact]
    public async Task AFailingInlinePassFailsOnlyItsRequest_AndFreesTheModel()
    {
        int calls = 0;
        await using var batcher = new DynamicBatcher(x =>
        {
            if (Interlocked.Increment(ref calls) == 1) throw new InvalidOperationException("model broke");
            return x.Reshape(x.Shape[0], 8);
        }, Inline);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.InferAsync(TestModelFolders.Inputs(1, 1)));
        Assert.Equal("model broke", error.Message);
        var input = TestModelFolders.Inputs(1, 2);
        Assert.Equal(input.Reshape(1, 8).ToArray(), (await batcher.InferAsync(input)).ToArray());
        Assert.Equal(1, batcher.Metrics.Failed);
    }

    [Fact]
    public async Task DisposeWaitsForAnInlinePassInProgress()
    {
        using var release = new ManualResetEventSlim(false);
        using var started = new SemaphoreSlim(0);
        bool finished = false;
        var batcher = new DynamicBatcher(x => { started.Release(); release.Wait(); finished = true; return x.Reshape(x.Shape[0], 8); }, Inline);
        var first = Task.Run(() => batcher.InferAsync(TestModelFolders.Inputs(1, 1)));
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(5)));

        var disposing = batcher.DisposeAsync().AsTask();
        await Task.Delay(100);
        Assert.False(disposing.IsCompleted, "dispose must not return while the model is still running");
        release.Set();
        await disposing;
        Assert.True(finished);
        await first;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
