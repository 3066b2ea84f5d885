using System.Diagnostics;
using Lepton.Registry.Store;

namespace Lepton.Registry.Tests.Store;

public abstract partial class RegistryStoreConformance
{
    [Fact]
    public async Task Eight_processes_registering_fifty_versions_each_get_versions_1_to_400()
    {
        const int processes = 8, each = 50;
        // A fresh store: the workers also race to run the migrations when they open it.
        string fresh = await NewLocationAsync();
        string go = Path.Combine(Path.GetTempPath(), "lepton-go-" + Guid.NewGuid().ToString("N"));
        var workers = Enumerable.Range(0, processes).Select(_ => StoreWorker.Start("register", fresh, "shared", each, go)).ToList();
        var clock = Stopwatch.StartNew();
        File.WriteAllText(go, "");
        try
        {
            var results = await Task.WhenAll(workers.Select(StoreWorker.WaitAsync));
            clock.Stop();
            foreach (var r in results) Assert.True(r.ExitCode == 0, $"a worker failed ({r.ExitCode}): {r.Errors}");
            var acked = results.SelectMany(r => r.Acks).Select(a => int.Parse(a.Split(' ')[1])).Order().ToList();
            Assert.Equal(Enumerable.Range(1, processes * each), acked);
            await using var store = await RegistryStoreFactory.OpenAsync(fresh);
            var versions = await store.ListModelVersionsAsync("shared");
            Assert.Equal(Enumerable.Range(1, processes * each), versions.Select(v => v.Version));
            Assert.Equal(processes * each, (await store.GetModelAsync("shared"))!.LatestVersion);
            Assert.Equal(processes, versions.Select(v => v.CreatedBy).Distinct().Count());
            Assert.Equal(SchemaMigrations.All.Select(m => m.Version), await ((SqlRegistryStore)store).AppliedMigrationsAsync());
            Output.WriteLine($"{ExpectedBackend}: {processes} processes x {each} registrations in {clock.Elapsed.TotalSeconds:F2} s " +
                             $"({processes * each / clock.Elapsed.TotalSeconds:F0} registrations/s, process start-up included)");
        }
        finally
        {
            foreach (var w in workers) w.Dispose();
            File.Delete(go);
        }
    }

    public static TheoryData<string> RegisterFaultPoints() => new(StoreFaults.Points.Where(p => p.StartsWith("register:", StringComparison.Ordinal)));

    public static TheoryData<string> AliasFaultPoints() => new(StoreFaults.Points.Where(p => p.StartsWith("alias:", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(RegisterFaultPoints))]
    public async Task Kill_9_while_registering_leaves_no_partial_version_and_keeps_every_acknowledged_one(string point)
    {
        await Store.RegisterModelVersionAsync(NewVersion("crash", "before"));
        var result = await StoreWorker.RunAsync("register", Location, "crash", 5,
            new Dictionary<string, string> { ["LEPTON_FAULT_AT"] = point, ["LEPTON_FAULT_SKIP"] = "2" });
        Assert.True(result.ExitCode != 0, $"the worker should have been killed at {point}");
        Assert.Equal(2, result.Acks.Count);

        await using var reopened = await RegistryStoreFactory.OpenAsync(Location);
        var versions = await reopened.ListModelVersionsAsync("crash");
        // Killed after its commit, the third registration is stored but was never acknowledged; anywhere earlier it never happened.
        int expected = point.EndsWith("after-commit", StringComparison.Ordinal) ? 4 : 3;
        Assert.Equal(Enumerable.Range(1, expected), versions.Select(v => v.Version));
        Assert.Equal(expected, (await reopened.GetModelAsync("crash"))!.LatestVersion);
        foreach (var ack in result.Acks)
        {
            var parts = ack.Split(' ');
            Assert.Equal(parts[2], versions.Single(v => v.Version == int.Parse(parts[1])).ArtifactHash);
        }
        Assert.Equal(expected, (await reopened.ListAuditAsync(1000)).Count(a => a.Action == "model.register"));
        Assert.Equal(expected + 1, (await reopened.RegisterModelVersionAsync(NewVersion("crash", "after"))).Version);
    }

    [Theory]
    [MemberData(nameof(AliasFaultPoints))]
    public async Task Kill_9_while_moving_an_alias_leaves_it_and_its_history_consistent(string point)
    {
        for (int i = 1; i <= 3; i++) await Store.RegisterModelVersionAsync(NewVersion("alias-crash", i.ToString()));
        var result = await StoreWorker.RunAsync("alias", Location, "alias-crash", 5,
            new Dictionary<string, string> { ["LEPTON_FAULT_AT"] = point, ["LEPTON_FAULT_SKIP"] = "2" });
        Assert.True(result.ExitCode != 0, $"the worker should have been killed at {point}");
        Assert.Equal(["ack alias 1", "ack alias 2"], result.Acks);

        await using var reopened = await RegistryStoreFactory.OpenAsync(Location);
        bool committed = point.EndsWith("after-commit", StringComparison.Ordinal);
        var alias = await reopened.GetAliasAsync("alias-crash", "production");
        Assert.Equal(committed ? 3 : 2, alias!.Version);
        var history = await reopened.GetAliasHistoryAsync("alias-crash", "production");
        Assert.Equal(committed ? [(null, 1), (1, 2), (2, 3)] : [(null, 1), (1, 2)], history.Select(h => (h.PreviousVersion, h.Version)));
        Assert.Equal(history.Count, (await reopened.ListAuditAsync(1000)).Count(a => a.Action == "alias.set"));
        Assert.Equal(committed ? 2 : 1, (await reopened.RollbackAliasAsync("alias-crash", "production", Actor)).Version);
    }
}
