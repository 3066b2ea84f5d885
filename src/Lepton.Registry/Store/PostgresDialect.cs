using Npgsql;

namespace Lepton.Registry.Store;

/// <summary>PostgreSQL: row locks (FOR UPDATE) serialise writers per model; an advisory lock serialises migrations.</summary>
internal sealed class PostgresDialect : SqlDialect
{
    // Any fixed 64-bit number; it only has to be the same in every process that migrates this database.
    private const long MigrationLockKey = 0x4C6570746F6E01;

    public override string IdentityColumn => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    public override string BlobType => "BYTEA";

    public override string ForUpdate => " FOR UPDATE";

    public override string? MigrationLock => $"SELECT pg_advisory_xact_lock({MigrationLockKey})";

    // pg_notify queues the notice until commit and drops it on rollback, so listeners never hear of a move that did not happen.
    public override string? AliasChangedNotice => $"SELECT pg_notify('{Cluster.PostgresAliasListener.Channel}', @model)";

    public override bool IsTransient(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable };

    public override bool IsUniqueViolation(Exception error) => error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
