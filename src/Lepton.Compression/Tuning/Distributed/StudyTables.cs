using Npgsql;

namespace Lepton.Compression.Tuning.Distributed;

/// <summary>
/// The two tables a shared study lives in, next to the registry's in the same PostgreSQL database: one row per study
/// (its settings, trial count, start time, the version registered) and one per trial (status, parameters, epoch reports,
/// and the claim: which worker trains it and until when its lease runs).
/// </summary>
internal static class StudyTables
{
    // Any fixed 64-bit number, the same in every worker: concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog.
    private const long SchemaLockKey = 0x4C6570746F6E54;

    public static readonly string Create = $$"""
        SELECT pg_advisory_xact_lock({{SchemaLockKey}});
        CREATE TABLE IF NOT EXISTS tune_studies (
            name TEXT PRIMARY KEY,
            settings TEXT NOT NULL,
            trial_count INTEGER NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            registered TEXT NULL
        );
        CREATE TABLE IF NOT EXISTS tune_trials (
            study TEXT NOT NULL REFERENCES tune_studies(name) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            status TEXT NOT NULL,
            parameters TEXT NOT NULL,
            readable TEXT NOT NULL,
            reports TEXT NOT NULL DEFAULT '{}',
            value DOUBLE PRECISION NULL,
            claim UUID NULL,
            worker TEXT NULL,
            lease_until TIMESTAMPTZ NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            run_id TEXT NULL,
            model_directory TEXT NULL,
            metrics TEXT NULL,
            message TEXT NULL,
            started_at TIMESTAMPTZ NULL,
            ended_at TIMESTAMPTZ NULL,
            PRIMARY KEY (study, number)
        );
        """;

    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
