using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Lepton.Registry.Store;
using Npgsql;

namespace Lepton.Registry.Tests.Cluster;

/// <summary>Helpers for the replica tests: versions to register, waiting on a condition, and cutting a named session.</summary>
internal static class ClusterTestKit
{
    public const string Actor = "test";

    /// <summary>Short intervals so hand-overs and reconnects happen within a test's patience.</summary>
    public static readonly Lepton.Registry.Cluster.ClusterOptions Fast = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500));

    public static NewModelVersion Version(string model, string seed) =>
        new(model, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(model + seed))), "Linear(4->2)", "{}", null, null,
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[-1,4],\"dtype\":\"float32\"}]}", Actor);

    /// <summary>Polls until the condition holds; returns how long it took, or fails after the timeout.</summary>
    public static async Task<TimeSpan> WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) Assert.Fail($"Timed out after {timeout.TotalSeconds:0.0} s waiting until {what}.");
            await Task.Delay(20);
        }
        return clock.Elapsed;
    }

    /// <summary>Ends every server session with that application name, as a crash or a cut network would; returns how many.</summary>
    public static async Task<int> TerminateSessionsAsync(string connectionString, string applicationName)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @name AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("name", applicationName);
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }
}
