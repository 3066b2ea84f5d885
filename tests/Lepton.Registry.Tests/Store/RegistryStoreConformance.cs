using Lepton.Registry.References;
using Lepton.Registry.Store;
using Xunit.Abstractions;

namespace Lepton.Registry.Tests.Store;

/// <summary>
/// Every behaviour of <see cref="IRegistryStore"/>, written once and run against each backend by a derived
/// class that supplies a fresh, empty store location (a SQLite file or a PostgreSQL schema).
/// </summary>
public abstract partial class RegistryStoreConformance(ITestOutputHelper output) : IAsyncLifetime
{
    protected const string Actor = "tester";

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>The store setting (as LEPTON_STORE would hold it) of this test's store.</summary>
    protected string Location { get; private set; } = "";

    protected IRegistryStore Store { get; private set; } = null!;

    protected abstract string ExpectedBackend { get; }

    /// <summary>A new, empty store location, as a setting RegistryStoreFactory understands.</summary>
    protected abstract Task<string> NewLocationAsync();

    public async Task InitializeAsync()
    {
        Location = await NewLocationAsync();
        Store = await RegistryStoreFactory.OpenAsync(Location);
    }

    public virtual async Task DisposeAsync() => await Store.DisposeAsync();

    protected static string Hash(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    protected static NewModelVersion NewVersion(string model, string seed = "v", string? runId = null) =>
        new(model, Hash(model + seed), "Sequential(Linear(4->8), ReLU, Linear(8->2))", "{\"accuracy\":0.91}", runId, "fashion@2",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[-1,4],\"dtype\":\"float32\"}],\"classes\":[\"a\",\"b\"]}", Actor);

    [Fact]
    public async Task Open_reports_the_backend_and_the_latest_schema_version_applied_once()
    {
        Assert.Equal(ExpectedBackend, Store.Backend);
        Assert.Equal(SchemaMigrations.Latest, await Store.SchemaVersionAsync());
        await using var again = await RegistryStoreFactory.OpenAsync(Location);
        Assert.Equal(SchemaMigrations.Latest, await again.SchemaVersionAsync());
        Assert.Equal(SchemaMigrations.All.Select(m => m.Version), await ((SqlRegistryStore)again).AppliedMigrationsAsync());
    }

    [Fact]
    public async Task Concurrent_opens_of_a_fresh_store_apply_each_migration_once()
    {
        string fresh = await NewLocationAsync();
        var opens = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => RegistryStoreFactory.OpenAsync(fresh))));
        try
        {
            foreach (var store in opens) Assert.Equal(SchemaMigrations.Latest, await store.SchemaVersionAsync());
            Assert.Equal(SchemaMigrations.All.Select(m => m.Version), await ((SqlRegistryStore)opens[0]).AppliedMigrationsAsync());
        }
        finally
        {
            foreach (var store in opens) await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Datasets_number_versions_per_name_keep_parents_and_reject_unknown_parents()
    {
        var first = await Store.AddDatasetVersionAsync("fashion", Hash("d1"), "{\"files\":1}", "{\"x\":\"float32\"}", "{\"rows\":10}", null, Actor);
        var second = await Store.AddDatasetVersionAsync("fashion", Hash("d2"), "{\"files\":2}", "{}", "{}", 1, Actor);
        var other = await Store.AddDatasetVersionAsync("spam", Hash("s1"), "{}", "{}", "{}", null, Actor);
        Assert.Equal((1, 2, 1), (first.Version, second.Version, other.Version));
        Assert.Equal(second, await Store.GetDatasetVersionAsync("fashion", 2));
        Assert.Null(await Store.GetDatasetVersionAsync("fashion", 3));
        Assert.Equal([first, second], await Store.ListDatasetVersionsAsync("fashion"));
        Assert.Equal(3, (await Store.ListDatasetVersionsAsync()).Count);
        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.AddDatasetVersionAsync("fashion", Hash("d3"), "{}", "{}", "{}", 7, Actor));
        Assert.Contains("no version 7", error.Message);
        Assert.Equal(2, (await Store.ListDatasetVersionsAsync("fashion")).Count);
    }

    [Fact]
    public async Task Runs_record_parameters_metrics_logs_and_end_once()
    {
        var run = await Store.StartRunAsync("cnn", "{\"lr\":0.01}", "host-1", "abc123", "fashion@1", ulong.MaxValue, Actor);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal(run, await Store.GetRunAsync(run.Id));
        await Store.LogMetricsAsync(run.Id, 1, new Dictionary<string, double> { ["loss"] = 0.5, ["accuracy"] = 0.8 });
        await Store.LogMetricsAsync(run.Id, 2, new Dictionary<string, double> { ["loss"] = double.NaN, ["lr"] = double.PositiveInfinity });
        await Store.LogMetricsAsync(run.Id, 1, new Dictionary<string, double> { ["loss"] = 0.25 });
        await Store.AppendRunLogAsync(run.Id, "epoch 1\n");
        await Store.AppendRunLogAsync(run.Id, "epoch 2\n");
        var metrics = await Store.GetRunMetricsAsync(run.Id);
        Assert.Equal(["1 accuracy 0.8", "1 loss 0.25", "2 loss NaN", "2 lr Infinity"], metrics.Select(m => $"{m.Step} {m.Key} {m.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        Assert.Equal("epoch 1\nepoch 2\n", await Store.GetRunLogAsync(run.Id));
        await Store.EndRunAsync(run.Id, RunStatus.Completed, null, Actor);
        var ended = await Store.GetRunAsync(run.Id);
        Assert.Equal(RunStatus.Completed, ended!.Status);
        Assert.NotNull(ended.EndedAt);
        Assert.Equal(ulong.MaxValue, ended.Seed);
        Assert.Equal(ended, (await Store.ListRunsAsync()).Single());
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.EndRunAsync(run.Id, RunStatus.Failed, "again", Actor));
    }

    [Fact]
    public async Task A_run_is_found_by_any_unique_start_of_its_id()
    {
        // Ids are time ordered: runs started within a minute share their first eight digits.
        var first = await Store.StartRunAsync("a", "{}", "h", null, null, null, Actor);
        var second = await Store.StartRunAsync("b", "{}", "h", null, null, null, Actor);
        int common = 0;
        while (first.Id[common] == second.Id[common]) common++;
        Assert.True(common >= 4, $"ids {first.Id} and {second.Id} should share their leading (time) digits");
        Assert.Equal(first, await RunReference.ResolveAsync(Store, first.Id[..(common + 1)]));
        Assert.Equal(second, await RunReference.ResolveAsync(Store, second.Id.ToUpperInvariant()));
        Assert.Equal(second, await RunReference.ResolveAsync(Store, Guid.ParseExact(second.Id, "N").ToString("D")));
        var ambiguous = await Assert.ThrowsAsync<KeyNotFoundException>(() => RunReference.ResolveAsync(Store, first.Id[..common]));
        Assert.Contains("starts the ids of 2 runs", ambiguous.Message);
        Assert.Contains(first.Id, ambiguous.Message);
        Assert.Contains("No run with id 'ffff'", (await Assert.ThrowsAsync<KeyNotFoundException>(() => RunReference.ResolveAsync(Store, "ffff"))).Message);
        // LIKE's wildcards never reach the query.
        Assert.Contains("is not a run id", (await Assert.ThrowsAsync<KeyNotFoundException>(() => RunReference.ResolveAsync(Store, "%"))).Message);
        Assert.Equal(2, (await Store.FindRunsAsync(first.Id[..common])).Count);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.FindRunsAsync("0_"));
    }

    [Fact]
    public async Task Metrics_of_a_running_run_are_visible_to_another_connection_at_once()
    {
        var run = await Store.StartRunAsync("live", "{}", "h", null, null, null, Actor);
        await using var reader = await RegistryStoreFactory.OpenAsync(Location);
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            await Store.LogMetricsAsync(run.Id, epoch, new Dictionary<string, double> { ["loss"] = 1.0 / epoch });
            Assert.Equal(epoch, (await reader.GetRunMetricsAsync(run.Id)).Count);
        }
        Assert.Equal(RunStatus.Running, (await reader.GetRunAsync(run.Id))!.Status);
    }

    [Fact]
    public async Task Unknown_run_ids_are_named_in_the_error()
    {
        const string missing = "0000feedbeef";
        var log = await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.LogMetricsAsync(missing, 1, new Dictionary<string, double> { ["loss"] = 1 }));
        Assert.Contains(missing, log.Message);
        Assert.Contains(missing, (await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.AppendRunLogAsync(missing, "x"))).Message);
        Assert.Contains(missing, (await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.EndRunAsync(missing, RunStatus.Failed, null, Actor))).Message);
        Assert.Contains(missing, (await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.GetRunMetricsAsync(missing))).Message);
        Assert.Null(await Store.GetRunAsync(missing));
    }

    [Fact]
    public async Task Api_keys_store_hashes_scopes_expiry_and_revocation()
    {
        var expires = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234567);
        var key = await Store.AddApiKeyAsync("ci", Hash("secret"), KeyScopes.Predict | KeyScopes.Feedback, expires, Actor);
        Assert.Equal(StoreTime(expires), key.ExpiresAt);
        Assert.Equal(key, await Store.GetApiKeyAsync(key.Id));
        await Store.RevokeApiKeyAsync(key.Id, Actor);
        var revoked = (await Store.ListApiKeysAsync()).Single();
        Assert.NotNull(revoked.RevokedAt);
        Assert.Equal(KeyScopes.Predict | KeyScopes.Feedback, revoked.Scopes);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.RevokeApiKeyAsync("key_missing", Actor));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddApiKeyAsync("none", Hash("s2"), KeyScopes.None, null, Actor));
    }

    [Fact]
    public async Task Every_change_appends_an_audit_entry_with_actor_action_and_target()
    {
        var run = await Store.StartRunAsync("r", "{}", "h", null, null, 7, "alice");
        await Store.LogMetricsAsync(run.Id, 1, new Dictionary<string, double> { ["loss"] = 1 });
        await Store.AppendRunLogAsync(run.Id, "x");
        await Store.EndRunAsync(run.Id, RunStatus.Failed, "boom", "alice");
        await Store.AddDatasetVersionAsync("d", Hash("d"), "{}", "{}", "{}", null, "bob");
        await Store.RegisterModelVersionAsync(NewVersion("m", "1") with { CreatedBy = "carol" });
        await Store.RegisterModelVersionAsync(NewVersion("m", "2") with { CreatedBy = "carol" });
        await Store.SetAliasAsync("m", "production", 1, "dave");
        await Store.SetAliasAsync("m", "production", 2, "dave");
        await Store.RollbackAliasAsync("m", "production", "dave");
        await Store.DeleteModelAsync("m", 2, "erin");
        var key = await Store.AddApiKeyAsync("k", Hash("k"), KeyScopes.Admin, null, "frank");
        await Store.RevokeApiKeyAsync(key.Id, "frank");
        await Store.DeleteModelAsync("m", null, "erin");
        var audit = (await Store.ListAuditAsync(1000)).Reverse().ToList();
        Assert.Equal(
        [
            "alice run.start", "alice run.metrics", "alice run.log", "alice run.end", "bob dataset.add d@1", "carol model.register m@1",
            "carol model.register m@2", "dave alias.set m@production", "dave alias.set m@production", "dave alias.rollback m@production",
            "erin model.version.delete m@2", $"frank key.create {key.Id}", $"frank key.revoke {key.Id}", "erin model.delete m",
        ], audit.Select(a => a.Action.StartsWith("run.", StringComparison.Ordinal) ? $"{a.Actor} {a.Action}" : $"{a.Actor} {a.Action} {a.Target}"));
        Assert.All(audit, a => Assert.StartsWith("{", a.DetailsJson));
        Assert.DoesNotContain(audit, a => a.DetailsJson.Contains(Hash("k")));
        Assert.Equal(2, (await Store.ListAuditAsync(2)).Count);
    }

    [Fact]
    public async Task Time_stamps_are_utc_and_round_trip_exactly()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var registered = await Store.RegisterModelVersionAsync(NewVersion("clock"));
        var stored = await Store.GetModelVersionAsync("clock", 1);
        Assert.Equal(registered, stored);
        Assert.Equal(TimeSpan.Zero, stored!.CreatedAt.Offset);
        Assert.Equal(0, stored.CreatedAt.UtcTicks % 10);
        Assert.InRange(stored.CreatedAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
        var alias = await Store.SetAliasAsync("clock", "staging", 1, Actor);
        Assert.Equal(alias, await Store.GetAliasAsync("clock", "staging"));
    }

    private static DateTimeOffset StoreTime(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % 10, TimeSpan.Zero);
}
