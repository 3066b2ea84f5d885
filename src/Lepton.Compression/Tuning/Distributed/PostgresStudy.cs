using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Sampling;
using Lepton.Compression.Tuning.Scheduling;
using Lepton.Compression.Tuning.Space;
using Lepton.Compression.Tuning.Study;
using Npgsql;

namespace Lepton.Compression.Tuning.Distributed;

/// <summary>
/// A study shared by workers on many machines through PostgreSQL. A worker claims a queued trial, or one whose worker's
/// lease ran out, with <c>FOR UPDATE SKIP LOCKED</c> (two workers never wait on or take the same row); when none is left
/// it proposes a new one under the study row's lock, so the sampler sees every trial before it. A heartbeat renews the
/// leases of the trials a worker trains; every write names the claim, so a worker that lost its trial (it froze past its
/// lease and another took over) can no longer change it.
/// </summary>
public sealed class PostgresStudy : IStudy, IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly NpgsqlDataSource _db;
    private readonly SharedStudyOptions _shared;
    private readonly ISampler _sampler;
    private readonly ConcurrentDictionary<int, Claim> _claims = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly double _elapsedAtOpen;
    private readonly Timer _heartbeat;
    private readonly StudyState _settings;

    private sealed record Claim(Guid Id, CancellationTokenSource Lost);

    private PostgresStudy(NpgsqlDataSource db, StudyOptions options, SearchSpace space, SharedStudyOptions shared, StudyState settings, double elapsed)
    {
        (_db, Options, Space, _shared, _settings, _elapsedAtOpen) = (db, options, space, shared, settings, elapsed);
        _sampler = Samplers.Create(settings.Sampler, settings.Seed);
        Halving = new SuccessiveHalving(settings.MinEpochs, settings.MaxEpochs, settings.Eta);
        _heartbeat = new Timer(_ => Beat(), null, shared.HeartbeatInterval, shared.HeartbeatInterval);
    }

    public StudyOptions Options { get; }

    public SearchSpace Space { get; }

    public SuccessiveHalving Halving { get; }

    /// <summary>This worker's name in the trial rows.</summary>
    public string Worker => _shared.WorkerName;

    /// <summary>Since the first worker created the study (the store's clock): a budget is shared by all workers.</summary>
    public TimeSpan Elapsed => TimeSpan.FromSeconds(_elapsedAtOpen) + _clock.Elapsed;

    public Action? Changed { get; set; }

    /// <summary>
    /// Joins the study <see cref="StudyOptions.Name"/> in the PostgreSQL database of <paramref name="connectionString"/>,
    /// creating it (and its tables) when this is the first worker; a worker with other settings is refused, naming the one.
    /// </summary>
    public static PostgresStudy Open(string connectionString, StudyOptions options, SearchSpace space, string objective, SharedStudyOptions? shared = null)
    {
        options.Validate();
        shared ??= new SharedStudyOptions();
        shared.Validate();
        var halving = options.Schedule;
        var mine = new StudyState
        {
            Name = options.Name, Sampler = options.Sampler.ToLowerInvariant(), Seed = options.Seed, TrialCount = options.Trials,
            MinEpochs = halving.MinEpochs, MaxEpochs = halving.MaxEpochs, Eta = halving.Eta, Metric = options.Metric,
            SpaceFingerprint = space.Fingerprint, Objective = objective,
        };
        var db = NpgsqlDataSource.Create(connectionString);
        try
        {
            using var connection = db.OpenConnection();
            using var tx = connection.BeginTransaction();
            using (var create = StudyTables.Command(connection, tx, StudyTables.Create)) create.ExecuteNonQuery();
            using (var insert = StudyTables.Command(connection, tx,
                       "INSERT INTO tune_studies (name, settings, trial_count) VALUES (@name, @settings, @count) ON CONFLICT (name) DO NOTHING",
                       ("name", options.Name), ("settings", JsonSerializer.Serialize(mine, Json)), ("count", options.Trials)))
                insert.ExecuteNonQuery();
            string savedJson;
            int count;
            double elapsed;
            using (var read = StudyTables.Command(connection, tx,
                       "SELECT settings, trial_count, EXTRACT(EPOCH FROM now() - created_at)::float8 FROM tune_studies WHERE name = @name FOR UPDATE", ("name", options.Name)))
            using (var row = read.ExecuteReader())
            {
                row.Read();
                (savedJson, count, elapsed) = (row.GetString(0), row.GetInt32(1), row.GetDouble(2));
            }
            var saved = JsonSerializer.Deserialize<StudyState>(savedJson, Json)!;
            string where = $"the shared study '{options.Name}'";
            CheckSame(where, "sampler", saved.Sampler, mine.Sampler);
            CheckSame(where, "seed", saved.Seed.ToString(CultureInfo.InvariantCulture), mine.Seed.ToString(CultureInfo.InvariantCulture));
            CheckSame(where, "epochs (min, max, eta)", $"{saved.MinEpochs}, {saved.MaxEpochs}, {saved.Eta}", $"{mine.MinEpochs}, {mine.MaxEpochs}, {mine.Eta}");
            CheckSame(where, "search space", saved.SpaceFingerprint, mine.SpaceFingerprint);
            CheckSame(where, "objective", saved.Objective, mine.Objective);
            CheckSame(where, "metric", saved.Metric, mine.Metric);
            if (options.Trials > count)
            {
                using var grow = StudyTables.Command(connection, tx, "UPDATE tune_studies SET trial_count = @count WHERE name = @name", ("count", options.Trials), ("name", options.Name));
                grow.ExecuteNonQuery();
            }
            tx.Commit();
            return new PostgresStudy(db, options, space, shared, saved, elapsed);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private static void CheckSame(string where, string what, string saved, string now)
    {
        if (!string.Equals(saved, now, StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"{where} was started with {what} '{saved}', this worker asks for '{now}'. Start every worker with the same settings, or use another --study name.");
    }

    public TrialRecord? Next(CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            using var connection = _db.OpenConnection();
            using var tx = connection.BeginTransaction();
            var claim = Guid.NewGuid();
            var lease = _shared.LeaseTime;

            // A trial released by a worker that stopped, or held by one whose lease ran out (it died or froze): from scratch.
            using (var pick = StudyTables.Command(connection, tx,
                       "SELECT number, parameters, readable, attempts FROM tune_trials WHERE study = @s AND (status = 'queued' OR (status = 'running' AND lease_until < now())) " +
                       "ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED", ("s", Options.Name)))
            {
                TrialRecord? again = null;
                using (var row = pick.ExecuteReader())
                {
                    if (row.Read())
                        again = new TrialRecord
                        {
                            Number = row.GetInt32(0), Status = TrialStatus.Running, Restarts = row.GetInt32(3),
                            Parameters = JsonSerializer.Deserialize<Dictionary<string, double>>(row.GetString(1))!,
                            Readable = JsonSerializer.Deserialize<Dictionary<string, string>>(row.GetString(2))!,
                            Started = DateTimeOffset.UtcNow,
                        };
                }
                if (again is not null)
                {
                    using var take = StudyTables.Command(connection, tx,
                        "UPDATE tune_trials SET status = 'running', claim = @c, worker = @w, lease_until = now() + @lease, attempts = attempts + 1, reports = '{}', " +
                        "value = NULL, message = NULL, run_id = NULL, model_directory = NULL, metrics = NULL, started_at = now(), ended_at = NULL WHERE study = @s AND number = @n",
                        ("c", claim), ("w", Worker), ("lease", lease), ("s", Options.Name), ("n", again.Number));
                    take.ExecuteNonQuery();
                    tx.Commit();
                    return Claimed(again, claim);
                }
            }

            // Otherwise a new trial, proposed under the study row's lock so that proposals see each other in order.
            int trialCount;
            using (var lockStudy = StudyTables.Command(connection, tx, "SELECT trial_count FROM tune_studies WHERE name = @s FOR UPDATE", ("s", Options.Name)))
                trialCount = (int)lockStudy.ExecuteScalar()!;
            var trials = ReadTrials(connection, tx);
            if (trials.Count < trialCount)
            {
                int number = trials.Count;
                var history = trials.Select(t => t.ToObservation()).OfType<Observation>().ToList();
                var values = _sampler.Sample(Space, history, number);
                var trial = new TrialRecord
                {
                    Number = number, Status = TrialStatus.Running, Parameters = new(values, StringComparer.Ordinal),
                    Readable = new(Space.Describe(values), StringComparer.Ordinal), Started = DateTimeOffset.UtcNow,
                };
                using var insert = StudyTables.Command(connection, tx,
                    "INSERT INTO tune_trials (study, number, status, parameters, readable, claim, worker, lease_until, attempts, started_at) " +
                    "VALUES (@s, @n, 'running', @p, @r, @c, @w, now() + @lease, 1, now())",
                    ("s", Options.Name), ("n", number), ("p", JsonSerializer.Serialize(trial.Parameters)), ("r", JsonSerializer.Serialize(trial.Readable)),
                    ("c", claim), ("w", Worker), ("lease", lease));
                insert.ExecuteNonQuery();
                tx.Commit();
                return Claimed(trial, claim);
            }
            tx.Commit();

            // Every trial is handed out. While some still train, wait: a worker that dies leaves its trial to be taken over.
            if (!trials.Any(t => t.Status == TrialStatus.Running)) return null;
            ct.WaitHandle.WaitOne(_shared.PollInterval);
        }
    }

    private TrialRecord Claimed(TrialRecord trial, Guid claim)
    {
        _claims[trial.Number] = new Claim(claim, new CancellationTokenSource());
        Changed?.Invoke();
        return trial;
    }

    public CancellationToken Lost(int number) => _claims.TryGetValue(number, out var c) ? c.Lost.Token : CancellationToken.None;

    public bool Report(int number, int epoch, double value)
    {
        if (!_claims.TryGetValue(number, out var claim)) return false;
        bool goOn = true;
        using (var connection = _db.OpenConnection())
        using (var tx = connection.BeginTransaction())
        {
            bool rung = Halving.IsRung(epoch);
            // Trials reaching the same rung at once are compared one after the other.
            if (rung)
                using (var lockStudy = StudyTables.Command(connection, tx, "SELECT 1 FROM tune_studies WHERE name = @s FOR UPDATE", ("s", Options.Name)))
                    lockStudy.ExecuteNonQuery();
            SortedDictionary<int, double> reports;
            using (var mine = StudyTables.Command(connection, tx,
                       "SELECT reports FROM tune_trials WHERE study = @s AND number = @n AND claim = @c AND status = 'running' FOR UPDATE",
                       ("s", Options.Name), ("n", number), ("c", claim.Id)))
            {
                if (mine.ExecuteScalar() is not string text)
                {
                    tx.Commit();
                    return false; // taken over, or no longer running: stop training it
                }
                reports = JsonSerializer.Deserialize<SortedDictionary<int, double>>(text)!;
            }
            reports[epoch] = value;
            string status = "running";
            string? message = null;
            double? final = null;
            if (rung)
            {
                var scores = ReadTrials(connection, tx).Where(t => t.Number != number && t.Status != TrialStatus.Failed && t.Reports.ContainsKey(epoch))
                    .Select(t => t.Reports[epoch]).Append(value).ToList();
                goOn = Halving.Promote(epoch, value, scores);
                if (!goOn)
                {
                    (status, final) = ("pruned", value);
                    message = string.Create(CultureInfo.InvariantCulture, $"stopped at rung epoch {epoch}: {Options.Metric} {value:F4} not in the top 1/{Halving.Eta} of {scores.Count}");
                }
            }
            using var update = StudyTables.Command(connection, tx,
                "UPDATE tune_trials SET reports = @r, lease_until = now() + @lease, status = @st, value = @v, message = @m, ended_at = CASE WHEN @st = 'running' THEN NULL ELSE now() END " +
                "WHERE study = @s AND number = @n",
                ("r", JsonSerializer.Serialize(reports)), ("lease", _shared.LeaseTime), ("st", status), ("v", final), ("m", message), ("s", Options.Name), ("n", number));
            update.ExecuteNonQuery();
            tx.Commit();
        }
        Changed?.Invoke();
        return goOn;
    }

    public void Finish(int number, TrialResult result)
    {
        if (!_claims.TryRemove(number, out var claim)) return;
        using (var connection = _db.OpenConnection())
        {
            // Completed with its last report when it trained to the end; a trial stopped at a rung keeps its status.
            using var update = StudyTables.Command(connection, null,
                "UPDATE tune_trials SET " +
                "status = CASE WHEN status <> 'running' THEN status WHEN reports = '{}' THEN 'failed' ELSE 'completed' END, " +
                "message = CASE WHEN status = 'running' AND reports = '{}' THEN 'the trial reported no epoch' ELSE message END, " +
                "ended_at = COALESCE(ended_at, now()), run_id = COALESCE(@run, run_id), model_directory = COALESCE(@dir, model_directory), metrics = @metrics, lease_until = NULL " +
                "WHERE study = @s AND number = @n AND claim = @c",
                ("run", result.RunId), ("dir", result.ModelDirectory), ("metrics", JsonSerializer.Serialize(result.Metrics)),
                ("s", Options.Name), ("n", number), ("c", claim.Id));
            update.ExecuteNonQuery();
            // The value of a completed trial is its last epoch's report, read back from the row just written.
            var trial = ReadTrials(connection, null, number).SingleOrDefault();
            if (trial is { Status: TrialStatus.Completed, Value: null, Reports.Count: > 0 })
            {
                using var value = StudyTables.Command(connection, null, "UPDATE tune_trials SET value = @v WHERE study = @s AND number = @n AND claim = @c",
                    ("v", trial.Reports[trial.LastEpoch]), ("s", Options.Name), ("n", number), ("c", claim.Id));
                value.ExecuteNonQuery();
            }
        }
        claim.Lost.Dispose();
        Changed?.Invoke();
    }

    public void Fail(int number, string message)
    {
        if (!_claims.TryRemove(number, out var claim)) return;
        Execute("UPDATE tune_trials SET status = 'failed', message = @m, ended_at = now(), lease_until = NULL WHERE study = @s AND number = @n AND claim = @c",
            ("m", message), ("s", Options.Name), ("n", number), ("c", claim.Id));
        claim.Lost.Dispose();
        Changed?.Invoke();
    }

    /// <summary>Back to the queue at once, so another worker (or this one's next session) starts it again from scratch.</summary>
    public void Interrupt(int number, string? runId)
    {
        if (!_claims.TryRemove(number, out var claim)) return;
        Execute("UPDATE tune_trials SET status = 'queued', claim = NULL, worker = NULL, lease_until = NULL, run_id = COALESCE(@run, run_id), " +
                "message = 'interrupted; starts again from scratch on the next worker' WHERE study = @s AND number = @n AND claim = @c AND status = 'running'",
            ("run", runId), ("s", Options.Name), ("n", number), ("c", claim.Id));
        claim.Lost.Dispose();
        Changed?.Invoke();
    }

    /// <summary>Nothing to flush: every change is committed as it happens.</summary>
    public void Save()
    {
    }

    public StudyState Snapshot()
    {
        using var connection = _db.OpenConnection();
        string? registered;
        using (var read = StudyTables.Command(connection, null, "SELECT trial_count, registered FROM tune_studies WHERE name = @s", ("s", Options.Name)))
        using (var row = read.ExecuteReader())
        {
            row.Read();
            _settings.TrialCount = row.GetInt32(0);
            registered = row.IsDBNull(1) ? null : row.GetString(1);
        }
        var state = JsonSerializer.Deserialize<StudyState>(JsonSerializer.Serialize(_settings, Json), Json)!;
        state.Trials = ReadTrials(connection, null);
        state.Registered = registered is { Length: > 0 } ? registered : null;
        state.ElapsedSeconds = Elapsed.TotalSeconds;
        return state;
    }

    /// <summary>
    /// Whether this worker registers the best model: the first to ask once every trial has ended wins; the others leave it.
    /// Call only on a worker that holds the best trial's model folder.
    /// </summary>
    public bool ClaimRegistration() =>
        Execute("UPDATE tune_studies SET registered = '' WHERE name = @s AND registered IS NULL AND NOT EXISTS " +
                "(SELECT 1 FROM tune_trials WHERE study = @s AND status IN ('queued', 'running'))", ("s", Options.Name)) == 1;

    public void SetRegistered(string version)
    {
        Execute("UPDATE tune_studies SET registered = @v WHERE name = @s", ("v", version), ("s", Options.Name));
    }

    /// <summary>Tests: the worker stops renewing its leases, as one that froze or was killed does.</summary>
    internal void StopHeartbeat() => _heartbeat.Change(Timeout.Infinite, Timeout.Infinite);

    // Renews the leases of the trials this worker trains; a claim the store no longer holds was taken over: stop that trial.
    private void Beat()
    {
        var held = _claims.ToArray();
        if (held.Length == 0) return;
        try
        {
            var alive = new HashSet<Guid>();
            using var connection = _db.OpenConnection();
            using var renew = StudyTables.Command(connection, null,
                "UPDATE tune_trials SET lease_until = CASE WHEN status = 'running' THEN now() + @lease ELSE lease_until END " +
                "WHERE study = @s AND claim = ANY(@claims) RETURNING claim",
                ("lease", _shared.LeaseTime), ("s", Options.Name), ("claims", held.Select(h => h.Value.Id).ToArray()));
            using (var row = renew.ExecuteReader())
                while (row.Read()) alive.Add(row.GetGuid(0));
            foreach (var (number, claim) in held)
                if (!alive.Contains(claim.Id) && _claims.TryRemove(number, out _))
                    claim.Lost.Cancel();
        }
        catch (Exception ex) when (ex is NpgsqlException or ObjectDisposedException or InvalidOperationException)
        {
            // The store is unreachable for now: the next beat tries again; a claim that lapses meanwhile goes to another worker.
        }
    }

    private int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = _db.OpenConnection();
        using var command = StudyTables.Command(connection, null, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private List<TrialRecord> ReadTrials(NpgsqlConnection connection, NpgsqlTransaction? tx, int? only = null)
    {
        using var read = StudyTables.Command(connection, tx,
            "SELECT number, status, parameters, readable, reports, value, run_id, model_directory, attempts, message, metrics, started_at, ended_at, worker " +
            "FROM tune_trials WHERE study = @s AND (@n::int IS NULL OR number = @n) ORDER BY number", ("s", Options.Name), ("n", only));
        using var row = read.ExecuteReader();
        var trials = new List<TrialRecord>();
        while (row.Read())
        {
            string status = row.GetString(1);
            var trial = new TrialRecord
            {
                Number = row.GetInt32(0),
                Status = status switch
                {
                    "completed" => TrialStatus.Completed,
                    "pruned" => TrialStatus.Pruned,
                    "failed" => TrialStatus.Failed,
                    _ => TrialStatus.Running, // queued counts as running: it is to be trained
                },
                Parameters = JsonSerializer.Deserialize<Dictionary<string, double>>(row.GetString(2))!,
                Readable = JsonSerializer.Deserialize<Dictionary<string, string>>(row.GetString(3))!,
                Reports = JsonSerializer.Deserialize<SortedDictionary<int, double>>(row.GetString(4))!,
                Value = row.IsDBNull(5) ? null : row.GetDouble(5),
                RunId = row.IsDBNull(6) ? null : row.GetString(6),
                ModelDirectory = row.IsDBNull(7) ? null : row.GetString(7),
                Restarts = Math.Max(0, row.GetInt32(8) - 1),
                Message = row.IsDBNull(9) ? (status == "queued" ? "queued" : null) : row.GetString(9),
                Started = row.IsDBNull(11) ? default : row.GetFieldValue<DateTimeOffset>(11),
                Ended = row.IsDBNull(12) ? null : row.GetFieldValue<DateTimeOffset>(12),
                Worker = row.IsDBNull(13) ? null : row.GetString(13),
            };
            if (!row.IsDBNull(10))
                foreach (var (k, v) in JsonSerializer.Deserialize<Dictionary<string, double>>(row.GetString(10))!)
                    trial.Readable[$"@{k}"] = v.ToString("G6", CultureInfo.InvariantCulture);
            trials.Add(trial);
        }
        return trials;
    }

    public void Dispose()
    {
        _heartbeat.Dispose();
        foreach (var claim in _claims.Values) claim.Lost.Dispose();
        _db.Dispose();
    }
}
