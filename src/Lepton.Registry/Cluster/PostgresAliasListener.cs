using System.Threading.Channels;
using Lepton.Registry.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Lepton.Registry.Cluster;

/// <summary>
/// LISTENs on <c>lepton_aliases</c> over a connection of its own; the store's alias writes NOTIFY the model's name in the
/// same transaction, so every replica hears of a promote the moment it commits. The connection is probed when idle and
/// reopened with backoff when it drops.
/// </summary>
public sealed class PostgresAliasListener : IAliasChangeFeed
{
    /// <summary>The notification channel; the payload is the model's name.</summary>
    public const string Channel = "lepton_aliases";

    /// <summary>The listening session's application_name in pg_stat_activity.</summary>
    public const string ApplicationName = "lepton alias listener";

    private readonly PostgresRegistryStore _store;
    private readonly ClusterOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<string?> _changes = System.Threading.Channels.Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _listening, _handling;
    private volatile bool _isListening;
    private long _received;
    private int _disposed;

    public PostgresAliasListener(PostgresRegistryStore store, ClusterOptions? options = null, ILogger? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = (options ?? new ClusterOptions()).Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    public bool IsListening => _isListening;

    public long Received => Interlocked.Read(ref _received);

    public void Start(Func<string?, CancellationToken, Task> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_listening is not null) throw new InvalidOperationException("The alias listener is already started.");
        _handling = Task.Run(() => HandleAsync(onChange, _stop.Token));
        _listening = Task.Run(() => ListenAsync(_stop.Token));
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var backoff = new ReconnectBackoff(_options.Backoff);
        bool everConnected = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _store.OpenDedicatedConnectionAsync(ApplicationName, ct);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(ct);
                _isListening = true;
                backoff.Reset();
                if (everConnected) _logger.LogInformation("Alias listener: reconnected to PostgreSQL at {Endpoint}", _store.Endpoint);
                everConnected = true;
                // Whatever moved while nobody listened (before the first connect, or while the connection was down).
                _changes.Writer.TryWrite(null);
                while (true)
                {
                    // An idle connection that died silently is found by the probe, not by waiting forever.
                    if (!await connection.WaitAsync(_options.Probe, ct))
                        await using (var probe = new NpgsqlCommand("SELECT 1", connection)) await probe.ExecuteScalarAsync(ct);
                }
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var wait = backoff.Next();
                _logger.LogWarning("Alias listener: {State} PostgreSQL at {Endpoint}: {Error}; retrying in {Seconds:0.0} s (polling still follows aliases)",
                    _isListening ? "lost the connection to" : "cannot connect to", _store.Endpoint, e.Message, wait.TotalSeconds);
                _isListening = false;
                try
                {
                    await Task.Delay(wait, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                _isListening = false;
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        Interlocked.Increment(ref _received);
        _changes.Writer.TryWrite(e.Payload);
    }

    /// <summary>Calls the handler once per model named by the notices waiting now (a burst of promotes is one reload each), or once with null.</summary>
    private async Task HandleAsync(Func<string?, CancellationToken, Task> onChange, CancellationToken ct)
    {
        var reader = _changes.Reader;
        var pending = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                bool everything = false;
                pending.Clear();
                while (reader.TryRead(out var model))
                {
                    if (model is null) everything = true;
                    else if (pending.Count < 10_000) pending.Add(model);
                    else everything = true;
                }
                if (everything) await CallAsync(onChange, null, ct);
                else
                    foreach (var model in pending)
                        await CallAsync(onChange, model, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task CallAsync(Func<string?, CancellationToken, Task> onChange, string? model, CancellationToken ct)
    {
        try
        {
            await onChange(model, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // One failed reload must not stop the listener; the next notice or poll tries again.
            _logger.LogError(e, "Alias listener: handling the change of {Model} failed", model ?? "all models");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync();
        _changes.Writer.TryComplete();
        foreach (var task in new[] { _listening, _handling })
        {
            if (task is null) continue;
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
                // Expected when stopping.
            }
        }
        _stop.Dispose();
    }
}
