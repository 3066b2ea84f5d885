using System.Text.RegularExpressions;
using Npgsql;

namespace Lepton.Registry.Store;

/// <summary>Turns <c>postgres://user:pass@host:port/db?sslmode=require</c> into an Npgsql connection string; shows it only without the password.</summary>
internal static partial class PostgresUrl
{
    public static RegistryStoreTarget Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException($"The PostgreSQL URL '{Redact(url)}' is not valid; use postgres://user:password@host:5432/database.");
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port };
        if (uri.UserInfo.Length > 0)
        {
            int colon = uri.UserInfo.IndexOf(':');
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        string database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        builder.Database = database.Length > 0 ? database : builder.Username ?? "postgres";
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]), value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key.ToLowerInvariant())
            {
                case "sslmode": builder.SslMode = Enum.Parse<SslMode>(value.Replace("-", ""), ignoreCase: true); break;
                case "connect_timeout": builder.Timeout = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "application_name": builder.ApplicationName = value; break;
                default: throw new ArgumentException($"The PostgreSQL URL option '{key}' is not supported; use sslmode, connect_timeout or application_name.");
            }
        }
        return new RegistryStoreTarget("postgres", builder.ConnectionString, $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}");
    }

    /// <summary>The setting with any password (URL user info or Password=...) replaced by ***.</summary>
    public static string Redact(string setting) => PasswordPair().Replace(UrlPassword().Replace(setting, "$1:***@"), "$1=***");

    [GeneratedRegex(@"(//[^:/@]*):[^@]*@")]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"(?i)\b(password|pwd)\s*=[^;]*")]
    private static partial Regex PasswordPair();
}
