using Lepton.Data.Tables.Reading;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets.Tables;

/// <summary>
/// A table source given as a PostgreSQL URL and a query (<c>lepton data import postgres://user@host/db --query "SELECT ..."</c>):
/// the URL read as the registry store's is, shown and stored only without its password.
/// </summary>
public static class PostgresQueries
{
    /// <summary>Whether <paramref name="source"/> names a PostgreSQL database rather than a file or folder.</summary>
    public static bool IsDatabase(string source) =>
        source.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary><paramref name="url"/> as messages show it, without any password.</summary>
    public static string Redact(string url) => PostgresUrl.Redact(url);

    /// <summary>A new table <paramref name="table"/> (<c>NAME</c> or <c>SCHEMA.NAME</c>) in the database <paramref name="url"/> names.</summary>
    public static Lepton.Data.Tables.Writing.PostgresTableTarget Table(string url, string table, bool replace, bool append = false)
    {
        if (replace && append) throw new ArgumentException("--replace drops the table and --append adds to it: give one of them.");
        if (!IsDatabase(url)) throw new ArgumentException($"A table is written into a PostgreSQL database: give its URL (postgres://user@host:5432/database), not '{PostgresUrl.Redact(url)}'.");
        Lepton.Data.Tables.Writing.PostgresTableWriter.Quoted(table);
        var target = PostgresUrl.Parse(url);
        return new Lepton.Data.Tables.Writing.PostgresTableTarget(target.Connection, target.Display, table) { Replace = replace, Append = append };
    }

    /// <summary>The query <paramref name="sql"/> on the database <paramref name="url"/> names.</summary>
    public static PostgresQuery Of(string url, string sql)
    {
        if (!IsDatabase(url))
            throw new ArgumentException($"--query reads a PostgreSQL database; give its URL as the source (postgres://user@host:5432/database), not '{PostgresUrl.Redact(url)}'.");
        var target = PostgresUrl.Parse(url);
        return new PostgresQuery(target.Connection, target.Display, sql);
    }
}
