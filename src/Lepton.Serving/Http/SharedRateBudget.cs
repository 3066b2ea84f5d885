using System.Collections.Concurrent;
using Lepton.Registry.Cluster;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lepton.Serving.Http;

/// <summary>What a shared rate limit decided for one request, and when the caller may try again.</summary>
internal readonly record struct RateDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>
/// A rate limit per key that holds across replicas: fixed windows aligned to the clock, whose budget lives in the shared
/// store. Each replica claims the budget in blocks (a sixteenth of the limit, at least 1) and spends a block locally, so only
/// one request in a block waits on the store; a replica holds at most one block it has not spent, so a cluster of N replicas
/// may admit up to (N - 1) x block fewer than the limit in a window, never more. If the store fails, the replica limits the
/// key on its own for that window (so an outage of the store degrades to per-replica limits instead of refusing traffic).
/// </summary>
internal sealed class SharedRateBudget(IRateWindowStore store, RateWindow window, TimeProvider? clock = null, ILogger? logger = null)
{
    private const int MaxTrackedKeys = 10_000;

    private readonly ConcurrentDictionary<string, KeyWindow> _keys = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly int _block = Math.Max(1, window.Limit / 16);
    private readonly long _periodMs = Math.Max(1, (long)window.Period.TotalMilliseconds);
    private long _storeErrors, _lastErrorLogMs = long.MinValue;

    public RateWindow Window => window;

    /// <summary>Claims that failed because the store did (each fell back to this replica's own count for its window).</summary>
    public long StoreErrors => Interlocked.Read(ref _storeErrors);

    public async ValueTask<RateDecision> TakeAsync(string key, CancellationToken ct)
    {
        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        long start = now - Mod(now, _periodMs), end = start + _periodMs;
        if (_keys.Count > MaxTrackedKeys) Forget(start);
        var state = _keys.GetOrAdd(key, _ => new KeyWindow());
        await state.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (state.Start != start) state.Reset(start);
            if (state.Tokens == 0 && !state.Spent) await ClaimAsync(key, state, end, now, ct).ConfigureAwait(false);
            if (state.Tokens == 0) return new RateDecision(false, TimeSpan.FromMilliseconds(end - now));
            state.Tokens--;
            state.Used++;
            return new RateDecision(true, TimeSpan.Zero);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task ClaimAsync(string key, KeyWindow state, long end, long now, CancellationToken ct)
    {
        try
        {
            int granted = await store.ClaimAsync(key, state.Start, end, Math.Min(_block, window.Limit), window.Limit, ct).ConfigureAwait(false);
            state.Tokens = granted;
            state.Spent = granted == 0;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Interlocked.Increment(ref _storeErrors);
            state.Tokens = Math.Max(0, window.Limit - state.Used);
            state.Spent = true;
            long last = Interlocked.Read(ref _lastErrorLogMs);
            if (now - last > 10_000 && Interlocked.CompareExchange(ref _lastErrorLogMs, now, last) == last)
                _logger.LogWarning("Shared rate limit: the store failed ({Error}); limiting each key on this replica alone until it answers again", e.Message);
        }
    }

    // Windows that ended are worth nothing; dropping them bounds memory when many keys (or client addresses) come and go.
    private void Forget(long currentStart)
    {
        foreach (var (key, state) in _keys)
            if (state.Start < currentStart) _keys.TryRemove(key, out _);
    }

    private static long Mod(long value, long period) => ((value % period) + period) % period;

    private sealed class KeyWindow
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public long Start = long.MinValue;
        public int Tokens, Used;
        public bool Spent;

        public void Reset(long start)
        {
            Start = start;
            Tokens = Used = 0;
            Spent = false;
        }
    }
}
