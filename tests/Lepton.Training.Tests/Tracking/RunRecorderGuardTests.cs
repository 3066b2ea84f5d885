using Lepton.Registry.Store;
using Lepton.Training.Tracking;

namespace Lepton.Training.Tests.Tracking;

/// <summary><see cref="RunRecorder.GuardAsync"/>: work that throws never leaves its run <c>running</c>, and an ending already recorded stays.</summary>
public sealed class RunRecorderGuardTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-guard-" + Guid.NewGuid().ToString("N"));
    private IRegistryStore _store = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        _store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(_root, "registry.db"));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task ReturnsTheResult_AndLeavesTheRunToItsCaller()
    {
        var recorder = await RunRecorder.StartAsync(_store, "m", "{}", null, 1, "test");
        Assert.Equal(42, await recorder.GuardAsync(() => Task.FromResult(42), "test"));
        Assert.Equal(RunStatus.Running, (await _store.GetRunAsync(recorder.RunId))!.Status);
    }

    [Fact]
    public async Task AFailureEndsTheRunAsFailedWithItsMessage()
    {
        var recorder = await RunRecorder.StartAsync(_store, "m", "{}", null, 1, "test");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => recorder.GuardAsync<int>(() => throw new InvalidDataException("bad shard"), "test"));
        var run = (await _store.GetRunAsync(recorder.RunId))!;
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("bad shard", run.Error);
        Assert.Equal("bad shard", error.Message);
    }

    [Fact]
    public async Task ACancellationEndsTheRunAsCancelled()
    {
        var recorder = await RunRecorder.StartAsync(_store, "m", "{}", null, 1, "test");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => recorder.GuardAsync(() => Task.FromCanceled<int>(new CancellationToken(true)), "test"));
        Assert.Equal(RunStatus.Cancelled, (await _store.GetRunAsync(recorder.RunId))!.Status);
    }

    [Fact]
    public async Task AnEndingAlreadyRecordedIsKept()
    {
        var recorder = await RunRecorder.StartAsync(_store, "m", "{}", null, 1, "test");
        await Assert.ThrowsAsync<InvalidOperationException>(() => recorder.GuardAsync<int>(async () =>
        {
            // As the training callback does when Fit itself fails.
            await _store.EndRunAsync(recorder.RunId, RunStatus.Failed, "diverged: loss is NaN", "test");
            throw new InvalidOperationException("wrapper error");
        }, "test"));
        Assert.Contains("NaN", (await _store.GetRunAsync(recorder.RunId))!.Error);
    }
}
