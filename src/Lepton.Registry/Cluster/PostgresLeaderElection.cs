using Lepton.Registry.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Lepton.Registry.Cluster;

/// <summary>
/// One leader per role on a PostgreSQL store: the leader holds a session advisory lock (<c>pg_try_advisory_lock</c>) on a
/// connection of its own. The server releases it when that session ends, so a leader that dies (process killed, connection
/// cut) frees the role, and a waiting process takes it at its next retry. The leader probes its connection and steps down
/// as soon as a probe fails.
/// </summary>
public sealed class PostgresLeaderElection : ILeaderElection
{
    // The key is a hash of the schema and the role, so stores in different schemas of one database elect separately.
    private const string TryLock = "SELECT pg_try_advisory_lock(hashtextextended('lepton:leader:' || coalesce(current_schema(), '') || ':' || @role, 0))";

    private readonly PostgresRegistryStore _store;
    private readonly ClusterOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;
    private volatile bool _isLeader;
    private int _disposed;

    public PostgresLeaderElection(PostgresRegistryStore store, string role, ClusterOptions? options = null, ILogger? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        Role = LeaderRole.Check(role);
        _options = (options ?? new ClusterOptions()).Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    public string Role { get; }

    /// <summary>The contending session's application_name in pg_stat_activity: "lepton leader ROLE".</summary>
    public string ApplicationName => "lepton leader " + Role;

    public bool IsLeader => _isLeader;

    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_running is not null) throw new InvalidOperationException($"The leader election for '{Role}' is already started.");
        _running = Task.Run(() => RunAsync(_stop.Token));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var backoff = new ReconnectBackoff(_options.Backoff);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _store.OpenDedicatedConnectionAsync(ApplicationName, ct);
                backoff.Reset();
                while (true)
                {
                    if (_isLeader)
                    {
                        await Task.Delay(_options.Probe, ct);
                        // The lock lives as long as this session: a live connection means the role is still ours.
                        await using var probe = new NpgsqlCommand("SELECT 1", connection);
                        await probe.ExecuteScalarAsync(ct);
                    }
                    else if (await TryLockAsync(connection, ct))
                    {
                        _isLeader = true;
                        _logger.LogInformation("This process now leads '{Role}' on PostgreSQL at {Endpoint}", Role, _store.Endpoint);
                    }
                    else await Task.Delay(_options.Retry, ct);
                }
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var wait = backoff.Next();
                if (_isLeader)
                    _logger.LogWarning("Stepped down as leader of '{Role}': the connection to PostgreSQL at {Endpoint} failed ({Error}); retrying in {Seconds:0.0} s",
                        Role, _store.Endpoint, e.Message, wait.TotalSeconds);
                else
                    _logger.LogWarning("Leader election for '{Role}': cannot reach PostgreSQL at {Endpoint} ({Error}); retrying in {Seconds:0.0} s",
                        Role, _store.Endpoint, e.Message, wait.TotalSeconds);
                _isLeader = false;
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
                // Closing the session (the connection is unpooled) releases the lock on the server.
                _isLeader = false;
            }
        }
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(TryLock, connection);
        command.Parameters.AddWithValue("role", Role);
        return await command.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>Stops contending and, when leading, ends the session so another process can take the role at once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync();
        if (_running is not null) await _running;
        _stop.Dispose();
    }
}
