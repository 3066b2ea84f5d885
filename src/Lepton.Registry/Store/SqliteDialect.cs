using Microsoft.Data.Sqlite;

namespace Lepton.Registry.Store;

/// <summary>SQLite: one writer at a time (BEGIN IMMEDIATE), so no row locks are needed.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    private const int Busy = 5, Locked = 6, Constraint = 19, ConstraintPrimaryKey = 1555, ConstraintUnique = 2067;

    public override string IdentityColumn => "INTEGER PRIMARY KEY AUTOINCREMENT";

    public override string BlobType => "BLOB";

    public override string ForUpdate => "";

    public override string? MigrationLock => null;

    public override bool IsTransient(Exception error) => error is SqliteException { SqliteErrorCode: Busy or Locked };

    public override bool IsUniqueViolation(Exception error) =>
        error is SqliteException { SqliteErrorCode: Constraint, SqliteExtendedErrorCode: ConstraintPrimaryKey or ConstraintUnique };

    public override object ToDbDouble(double value) => double.IsNaN(value) ? "NaN" : value;
}
