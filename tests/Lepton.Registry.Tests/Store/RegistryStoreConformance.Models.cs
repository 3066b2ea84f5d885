using Lepton.Registry.Store;

namespace Lepton.Registry.Tests.Store;

public abstract partial class RegistryStoreConformance
{
    [Fact]
    public async Task Register_creates_the_model_and_numbers_versions_from_one()
    {
        var run = await Store.StartRunAsync("train", "{}", "h", null, null, null, Actor);
        var v1 = await Store.RegisterModelVersionAsync(NewVersion("fashion-cnn", "a", run.Id));
        var v2 = await Store.RegisterModelVersionAsync(NewVersion("fashion-cnn", "b"));
        await Store.RegisterModelVersionAsync(NewVersion("..model", "c"));
        Assert.Equal((1, 2), (v1.Version, v2.Version));
        Assert.Equal(run.Id, v1.RunId);
        Assert.Equal(v1, await Store.GetModelVersionAsync("fashion-cnn", 1));
        Assert.Equal([v1, v2], await Store.ListModelVersionsAsync("fashion-cnn"));
        var model = await Store.GetModelAsync("fashion-cnn");
        Assert.Equal(2, model!.LatestVersion);
        Assert.Equal(["..model", "fashion-cnn"], (await Store.ListModelsAsync()).Select(m => m.Name));
        Assert.Null(await Store.GetModelAsync("missing"));
        Assert.Null(await Store.GetModelVersionAsync("fashion-cnn", 3));
        Assert.Empty(await Store.ListModelVersionsAsync("missing"));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("%2e%2e")]
    [InlineData("x;y")]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("tab\tname")]
    [InlineData("caf\u00e9")]
    public async Task Hostile_model_names_are_rejected_before_anything_is_written(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RegisterModelVersionAsync(NewVersion(name) with { Model = name }));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RegisterModelVersionAsync(NewVersion(new string('m', 300))));
        Assert.Empty(await Store.ListModelsAsync());
        Assert.Empty(await Store.ListAuditAsync());
    }

    [Fact]
    public async Task Register_rejects_a_hash_that_is_not_sha256()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.RegisterModelVersionAsync(NewVersion("m") with { ArtifactHash = "ABC" }));
        Assert.Contains("SHA-256", error.Message);
    }

    [Fact]
    public async Task Deleting_a_version_drops_its_aliases_into_history_and_never_reuses_its_number()
    {
        for (int i = 1; i <= 3; i++) await Store.RegisterModelVersionAsync(NewVersion("m", i.ToString()));
        await Store.SetAliasAsync("m", "production", 3, Actor);
        await Store.SetAliasAsync("m", "staging", 2, Actor);
        await Store.DeleteModelAsync("m", 3, Actor);
        Assert.Null(await Store.GetAliasAsync("m", "production"));
        Assert.Equal(["staging"], (await Store.ListAliasesAsync("m")).Select(a => a.Alias));
        var history = await Store.GetAliasHistoryAsync("m", "production");
        Assert.Equal([(null, 3), (3, null)], history.Select(h => (h.PreviousVersion, h.Version)));
        var next = await Store.RegisterModelVersionAsync(NewVersion("m", "4"));
        Assert.Equal(4, next.Version);
        Assert.Equal(4, (await Store.GetModelAsync("m"))!.LatestVersion);
        Assert.Equal([1, 2, 4], (await Store.ListModelVersionsAsync("m")).Select(v => v.Version));
        var missing = await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.DeleteModelAsync("m", 3, Actor));
        Assert.Contains("no version 3", missing.Message);
    }

    [Fact]
    public async Task Deleting_a_model_removes_its_versions_and_aliases()
    {
        await Store.RegisterModelVersionAsync(NewVersion("gone", "1"));
        await Store.SetAliasAsync("gone", "production", 1, Actor);
        await Store.DeleteModelAsync("gone", null, Actor);
        Assert.Null(await Store.GetModelAsync("gone"));
        Assert.Empty(await Store.ListModelVersionsAsync("gone"));
        Assert.Empty(await Store.ListAliasesAsync("gone"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.DeleteModelAsync("gone", null, Actor));
    }

    [Fact]
    public async Task Aliases_move_with_history_and_roll_back_one_step_at_a_time()
    {
        for (int i = 1; i <= 3; i++) await Store.RegisterModelVersionAsync(NewVersion("m", i.ToString()));
        for (int i = 1; i <= 3; i++) Assert.Equal(i, (await Store.SetAliasAsync("m", "production", i, "ops")).Version);
        Assert.Equal(2, (await Store.RollbackAliasAsync("m", "production", "ops")).Version);
        Assert.Equal(1, (await Store.RollbackAliasAsync("m", "production", "ops")).Version);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.RollbackAliasAsync("m", "production", "ops"));
        Assert.Contains("no earlier version", error.Message);
        Assert.Equal(3, (await Store.SetAliasAsync("m", "production", 3, "ops")).Version);
        Assert.Equal(1, (await Store.RollbackAliasAsync("m", "production", "ops")).Version);
        var history = await Store.GetAliasHistoryAsync("m", "production");
        Assert.Equal([(null, 1), (1, 2), (2, 3), (3, 2), (2, 1), (1, 3), (3, 1)], history.Select(h => (h.PreviousVersion, h.Version)));
        Assert.All(history, h => Assert.Equal("ops", h.Actor));
        Assert.True(history.Select(h => h.Id).SequenceEqual(history.Select(h => h.Id).Order()));
        var current = await Store.GetAliasAsync("m", "production");
        Assert.Equal((1, "ops"), (current!.Version, current.UpdatedBy));
    }

    [Fact]
    public async Task Rollback_skips_versions_that_were_deleted()
    {
        for (int i = 1; i <= 3; i++) await Store.RegisterModelVersionAsync(NewVersion("m", i.ToString()));
        for (int i = 1; i <= 3; i++) await Store.SetAliasAsync("m", "production", i, Actor);
        await Store.DeleteModelAsync("m", 2, Actor);
        Assert.Equal(1, (await Store.RollbackAliasAsync("m", "production", Actor)).Version);
    }

    [Fact]
    public async Task Alias_errors_name_the_missing_model_version_or_alias()
    {
        await Store.RegisterModelVersionAsync(NewVersion("m"));
        Assert.Contains("'nope'", (await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SetAliasAsync("nope", "production", 1, Actor))).Message);
        Assert.Contains("no version 9", (await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SetAliasAsync("m", "production", 9, Actor))).Message);
        Assert.Contains("no alias", (await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.RollbackAliasAsync("m", "staging", Actor))).Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetAliasAsync("m", "42", 1, Actor));
        Assert.Contains("newest version", (await Assert.ThrowsAsync<ArgumentException>(() => Store.SetAliasAsync("m", "latest", 1, Actor))).Message);
        Assert.Null(await Store.GetAliasAsync("m", "production"));
    }

    [Fact]
    public async Task Concurrent_registrations_in_one_process_get_unique_gap_free_numbers()
    {
        var tasks = Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            var numbers = new List<int>();
            for (int i = 0; i < 10; i++) numbers.Add((await Store.RegisterModelVersionAsync(NewVersion("race", $"{t}-{i}"))).Version);
            return numbers;
        }));
        var all = (await Task.WhenAll(tasks)).SelectMany(n => n).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 40), all);
    }
}
