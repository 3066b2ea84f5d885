namespace Lepton.Registry.Store;

/// <summary>The few places where SQLite and PostgreSQL SQL differ; everything else is shared.</summary>
internal abstract class SqlDialect
{
    /// <summary>Column definition of an ever-increasing 64-bit primary key (never reused after deletes).</summary>
    public abstract string IdentityColumn { get; }

    /// <summary>Suffix that row-locks what a SELECT returns until the transaction ends (empty where the whole database is locked).</summary>
    public abstract string ForUpdate { get; }

    /// <summary>Statement run first in the migration transaction so concurrent opens apply migrations one at a time (null when none is needed).</summary>
    public abstract string? MigrationLock { get; }

    /// <summary>True for errors worth retrying the whole transaction (lock timeouts, serialization failures, deadlocks).</summary>
    public abstract bool IsTransient(Exception error);

    /// <summary>True when the error is a unique or primary-key violation.</summary>
    public abstract bool IsUniqueViolation(Exception error);

    /// <summary>The parameter value for a double (SQLite stores NaN as NULL in a REAL column, so it needs a stand-in).</summary>
    public virtual object ToDbDouble(double value) => value;

    /// <summary>Column type of a byte string (SQLite BLOB, PostgreSQL BYTEA).</summary>
    public abstract string BlobType { get; }

    /// <summary>
    /// Statement run in a transaction that moved a model's aliases, with the model name as <c>@model</c>, so other processes
    /// learn of it when it commits (PostgreSQL NOTIFY); null where no other process can listen.
    /// </summary>
    public virtual string? AliasChangedNotice => null;

    public string Render(string ddl) => ddl.Replace("{identity}", IdentityColumn, StringComparison.Ordinal).Replace("{blob}", BlobType, StringComparison.Ordinal);
}
