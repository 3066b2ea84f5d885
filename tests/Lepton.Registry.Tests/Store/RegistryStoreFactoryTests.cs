using System.Net;
using System.Net.Sockets;
using Lepton.Registry.Store;

namespace Lepton.Registry.Tests.Store;

/// <summary>How a store setting picks its backend, and how a bad or unreachable one is reported (never with the password).</summary>
[Collection(StoreCollection.Name)]
public sealed class RegistryStoreFactoryTests
{
    [Fact]
    public void Nothing_set_means_sqlite_under_lepton_home()
    {
        string home = Path.Combine(Path.GetTempPath(), "home-" + Guid.NewGuid().ToString("N")[..8]);
        var target = RegistryStoreFactory.Resolve("", home);
        Assert.Equal(("sqlite", Path.Combine(home, "registry.db")), (target.Backend, target.Connection));
    }

    [Theory]
    [InlineData("sqlite:/tmp/x/registry.db", "sqlite", "/tmp/x/registry.db")]
    [InlineData("/tmp/y/store.db", "sqlite", "/tmp/y/store.db")]
    public void Sqlite_settings_name_the_file(string setting, string backend, string path)
    {
        var target = RegistryStoreFactory.Resolve(setting);
        Assert.Equal((backend, path), (target.Backend, target.Connection));
    }

    [Fact]
    public void Postgres_urls_become_npgsql_connection_strings_and_display_without_the_password()
    {
        var target = RegistryStoreFactory.Resolve("postgres://lepton:s%40cret@db.example:6543/registry?sslmode=disable");
        Assert.Equal("postgres", target.Backend);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(target.Connection);
        Assert.Equal(("db.example", 6543, "registry", "lepton", "s@cret"), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password));
        Assert.Equal("postgres://lepton@db.example:6543/registry", target.Display);
        Assert.DoesNotContain("cret", target.Display);
    }

    [Fact]
    public void Npgsql_connection_strings_are_postgres()
    {
        var target = RegistryStoreFactory.Resolve("Host=10.0.0.5;Port=5433;Database=reg;Username=u;Password=hunter2");
        Assert.Equal("postgres", target.Backend);
        Assert.Equal("postgres://u@10.0.0.5:5433/reg", target.Display);
    }

    [Fact]
    public void The_environment_variable_is_used_when_no_setting_is_given()
    {
        string? saved = Environment.GetEnvironmentVariable(RegistryStoreFactory.StoreVariable);
        try
        {
            Environment.SetEnvironmentVariable(RegistryStoreFactory.StoreVariable, "postgres://a:b@h:1/d");
            Assert.Equal("postgres", RegistryStoreFactory.Resolve(null).Backend);
            Assert.Equal("sqlite", RegistryStoreFactory.Resolve("sqlite:/tmp/z.db").Backend);
        }
        finally
        {
            Environment.SetEnvironmentVariable(RegistryStoreFactory.StoreVariable, saved);
        }
    }

    [Fact]
    public void Unknown_settings_are_refused_with_the_forms_that_work_and_without_secrets()
    {
        var error = Assert.Throws<ArgumentException>(() => RegistryStoreFactory.Resolve("mysql://root:topsecret@h/db"));
        Assert.Contains("postgres://", error.Message);
        Assert.DoesNotContain("topsecret", error.Message);
    }

    [Fact]
    public async Task An_unreachable_server_is_named_with_the_fix_and_no_password()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var error = await Assert.ThrowsAsync<RegistryStoreUnavailableException>(() =>
            RegistryStoreFactory.OpenAsync($"postgres://lepton:topsecret@127.0.0.1:{port}/registry?connect_timeout=5"));
        Assert.StartsWith($"cannot reach PostgreSQL at 127.0.0.1:{port}: ", error.Message);
        Assert.EndsWith("start the server or fix LEPTON_STORE.", error.Message);
        Assert.DoesNotContain("topsecret", error.ToString());
    }

    [Fact]
    public async Task A_folder_is_not_accepted_as_a_sqlite_file()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => RegistryStoreFactory.OpenAsync("sqlite:" + Path.GetTempPath()));
        Assert.Contains("is a folder", error.Message);
    }
}
