using Lepton.Registry.Store;

namespace Lepton.Registry.Tests.Store;

/// <summary>ImportRecordsAsync on each backend: records kept as they are, one transaction, idempotent, conflicts refused whole.</summary>
public abstract partial class RegistryStoreConformance
{
    private const string Importer = "importer";
    private const string ImportedRunId = "0190f0c2a1b27c3d8e9f001122334455";

    // Whole microseconds (the stores' resolution) well in the past, so a kept time cannot be mistaken for the import's own.
    private static DateTimeOffset At(int seconds) => new DateTimeOffset(2024, 5, 1, 8, 30, 0, TimeSpan.Zero).AddSeconds(seconds).AddTicks(1230);

    /// <summary>Dataset digits@1..2, a finished run with metrics (one NaN) and a log, model versions 1 and 3 of 4 (2 deleted) and an alias set, moved and rolled back.</summary>
    protected static ImportBatch SampleBatch(string model = "imported")
    {
        var run = new RunRecord(ImportedRunId, "train", RunStatus.Completed, "{\"lr\":0.1}", At(10), At(50), "host-x", "deadbeef", "digits@2", ulong.MaxValue,
            null, "alice");
        RunMetric[] metrics = [new(ImportedRunId, 1, "accuracy", 0.75, At(20)), new(ImportedRunId, 1, "loss", 0.5, At(20)), new(ImportedRunId, 2, "loss", double.NaN, At(30))];
        DatasetVersion[] datasets =
        [
            new("digits", 1, Hash("d1"), "{\"files\":1}", "{\"x\":\"float32\"}", "{\"rows\":10}", null, At(1), "bob"),
            new("digits", 2, Hash("d2"), "{\"files\":2}", "{\"x\":\"float32\"}", "{\"rows\":12}", 1, At(2), "bob"),
        ];
        ModelVersion[] versions =
        [
            new(model, 1, Hash("a"), "arch", "{\"acc\":0.7}", ImportedRunId, "digits@2", "{\"inputs\":[]}", At(60), "alice"),
            new(model, 3, Hash("c"), "arch 3", "{}", null, null, "{}", At(80), "carol"),
        ];
        AliasChange[] history =
        [
            new(7, model, "production", null, 1, At(90), "alice"),
            new(8, model, "production", 1, 3, At(91), "bob"),
            new(9, model, "production", 3, 1, At(92), "carol", AliasChangeKind.Rollback),
        ];
        var alias = new ImportAlias(new AliasRecord(model, "production", 1, At(92), "carol"), history);
        return new ImportBatch(datasets, [new ImportRun(run, metrics, "line 1\nline 2\n")],
            [new ImportModel(new ModelRecord(model, "a model", At(55), 4), versions, [alias])]);
    }

    private static IEnumerable<AliasChange> WithoutIds(IEnumerable<AliasChange> history) => history.Select(h => h with { Id = 0 });

    [Fact]
    public async Task Import_writes_every_record_as_given_in_one_transaction_with_one_audit_entry()
    {
        var batch = SampleBatch();
        int auditBefore = (await Store.ListAuditAsync(1000)).Count;
        var result = await Store.ImportRecordsAsync(batch, Importer);
        Assert.Equal(new ImportBatchResult(VersionsImported: 2, VersionsSkipped: 0, RunsImported: 1, DatasetVersionsImported: 2, AliasMoves: 3), result);

        var source = batch.Runs[0];
        Assert.Equal(source.Run, await Store.GetRunAsync(ImportedRunId));
        Assert.Equal(source.Metrics, await Store.GetRunMetricsAsync(ImportedRunId));
        Assert.Equal(source.Log, await Store.GetRunLogAsync(ImportedRunId));
        Assert.Equal(batch.Datasets, await Store.ListDatasetVersionsAsync("digits"));
        var model = batch.Models[0];
        Assert.Equal(model.Model, await Store.GetModelAsync("imported"));
        Assert.Equal(model.Versions, await Store.ListModelVersionsAsync("imported"));
        Assert.Equal(model.Aliases[0].Alias, await Store.GetAliasAsync("imported", "production"));
        Assert.Equal(WithoutIds(model.Aliases[0].History), WithoutIds(await Store.GetAliasHistoryAsync("imported", "production")));

        var audit = await Store.ListAuditAsync(1000);
        Assert.Equal(auditBefore + 1, audit.Count);
        Assert.Equal(("registry.import", "imported", Importer), (audit[0].Action, audit[0].Target, audit[0].Actor));

        // The store goes on from the imported state: numbers after the kept counters, rollback over the kept kinds of move.
        Assert.Equal(5, (await Store.RegisterModelVersionAsync(NewVersion("imported", "next"))).Version);
        Assert.Equal(3, (await Store.AddDatasetVersionAsync("digits", Hash("d3"), "{}", "{}", "{}", 2, Actor)).Version);
        var rollback = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.RollbackAliasAsync("imported", "production", Actor));
        Assert.Contains("no earlier version", rollback.Message);
    }

    [Fact]
    public async Task Importing_the_same_batch_again_changes_nothing()
    {
        await Store.ImportRecordsAsync(SampleBatch(), Importer);
        int audit = (await Store.ListAuditAsync(1000)).Count;
        var again = await Store.ImportRecordsAsync(SampleBatch(), Importer);
        Assert.Equal(new ImportBatchResult(0, 2, 0, 0, 0), again);
        Assert.True(again.IsEmpty);
        Assert.Equal(audit, (await Store.ListAuditAsync(1000)).Count);
        Assert.Equal(3, (await Store.GetRunMetricsAsync(ImportedRunId)).Count);
        Assert.Equal("line 1\nline 2\n", await Store.GetRunLogAsync(ImportedRunId));
        Assert.Equal(3, (await Store.GetAliasHistoryAsync("imported", "production")).Count);
        Assert.Equal([1, 3], (await Store.ListModelVersionsAsync("imported")).Select(v => v.Version));
        Assert.Equal(4, (await Store.GetModelAsync("imported"))!.LatestVersion);
    }

    private async Task AssertNothingImportedAsync(int auditBefore)
    {
        Assert.Null(await Store.GetRunAsync(ImportedRunId));
        Assert.Equal(auditBefore, (await Store.ListAuditAsync(1000)).Count);
        Assert.Null(await Store.GetAliasAsync("imported", "production"));
    }

    [Fact]
    public async Task A_different_version_under_the_same_number_fails_the_whole_import_and_writes_nothing()
    {
        var mine = await Store.RegisterModelVersionAsync(NewVersion("imported", "mine"));
        int audit = (await Store.ListAuditAsync(1000)).Count;
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ImportRecordsAsync(SampleBatch(), Importer));
        Assert.Contains("already has a different version 1 of model 'imported'", e.Message);
        Assert.Contains("nothing was imported", e.Message);
        await AssertNothingImportedAsync(audit);
        Assert.Empty(await Store.ListDatasetVersionsAsync("digits"));
        Assert.Equal([mine], await Store.ListModelVersionsAsync("imported"));
        Assert.Equal(1, (await Store.GetModelAsync("imported"))!.LatestVersion);
    }

    [Fact]
    public async Task A_different_dataset_version_or_a_reused_version_number_fails_the_whole_import()
    {
        await Store.AddDatasetVersionAsync("digits", Hash("other"), "{}", "{}", "{}", null, Actor);
        int audit = (await Store.ListAuditAsync(1000)).Count;
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ImportRecordsAsync(SampleBatch(), Importer));
        Assert.Contains("different version 1 of dataset 'digits'", e.Message);
        await AssertNothingImportedAsync(audit);
        Assert.Null(await Store.GetModelAsync("imported"));

        // Version 3 was used (and deleted) in the target: keeping the imported 3 would give one number two meanings.
        var batch = SampleBatch("reused") with { Datasets = [] };
        var v1 = batch.Models[0].Versions[0];
        await Store.RegisterModelVersionAsync(new NewModelVersion("reused", v1.ArtifactHash, v1.ArchitectureSummary, v1.MetricsJson, null, v1.DatasetRef,
            v1.SignatureJson, Actor));
        await Store.RegisterModelVersionAsync(NewVersion("reused", "2"));
        await Store.RegisterModelVersionAsync(NewVersion("reused", "3"));
        await Store.DeleteModelAsync("reused", 3, Actor);
        await Store.DeleteModelAsync("reused", 2, Actor);
        e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ImportRecordsAsync(batch, Importer));
        Assert.Contains("version 3 of model 'reused': the target already used that number", e.Message);
        Assert.Null(await Store.GetRunAsync(ImportedRunId));
    }

    [Fact]
    public async Task Import_merges_into_an_existing_model_and_keeps_the_larger_counter()
    {
        var v1 = SampleBatch().Models[0].Versions[0];
        var own = await Store.RegisterModelVersionAsync(new NewModelVersion("imported", v1.ArtifactHash, v1.ArchitectureSummary, v1.MetricsJson, null,
            v1.DatasetRef, v1.SignatureJson, Actor));
        var result = await Store.ImportRecordsAsync(SampleBatch(), Importer);
        Assert.Equal((1, 1), (result.VersionsImported, result.VersionsSkipped));
        Assert.Equal(own, await Store.GetModelVersionAsync("imported", 1)); // the target's own record of the same content stays
        Assert.Equal(4, (await Store.GetModelAsync("imported"))!.LatestVersion);

        // A target already past the imported counter (its 5 and 6 came later than the source's 4) keeps its own.
        var batch = SampleBatch("ahead") with { Datasets = [], Runs = [] };
        for (int i = 1; i <= 6; i++) await Store.RegisterModelVersionAsync(i is 1 or 3 ? ToNew(batch.Models[0].Versions[i / 2]) : NewVersion("ahead", $"{i}"));
        await Store.DeleteModelAsync("ahead", 2, Actor);
        await Store.DeleteModelAsync("ahead", 4, Actor);
        result = await Store.ImportRecordsAsync(batch, Importer);
        Assert.Equal((0, 2, 3), (result.VersionsImported, result.VersionsSkipped, result.AliasMoves));
        Assert.Equal(6, (await Store.GetModelAsync("ahead"))!.LatestVersion);
        Assert.Equal(1, (await Store.GetAliasAsync("ahead", "production"))!.Version);
    }

    private static NewModelVersion ToNew(ModelVersion v) =>
        new(v.Model, v.ArtifactHash, v.ArchitectureSummary, v.MetricsJson, v.RunId, v.DatasetRef, v.SignatureJson, v.CreatedBy);

    [Fact]
    public async Task Alias_moves_made_after_an_import_are_kept_and_a_diverging_history_conflicts()
    {
        await Store.ImportRecordsAsync(SampleBatch(), Importer);
        await Store.SetAliasAsync("imported", "production", 3, "eve");
        Assert.True((await Store.ImportRecordsAsync(SampleBatch(), Importer)).IsEmpty);
        Assert.Equal(3, (await Store.GetAliasAsync("imported", "production"))!.Version);

        var batch = SampleBatch();
        var alias = batch.Models[0].Aliases[0];
        var forged = alias with { History = [alias.History[0], alias.History[1], alias.History[2] with { Actor = "mallory" }] };
        batch = batch with { Models = [batch.Models[0] with { Aliases = [forged] }] };
        int audit = (await Store.ListAuditAsync(1000)).Count;
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ImportRecordsAsync(batch, Importer));
        Assert.Contains("Alias 'production' of model 'imported' has moved differently in the target", e.Message);
        Assert.Equal(audit, (await Store.ListAuditAsync(1000)).Count);
        Assert.Equal(4, (await Store.GetAliasHistoryAsync("imported", "production")).Count);
    }

    [Fact]
    public async Task A_malformed_batch_is_refused_before_anything_is_written()
    {
        var batch = SampleBatch();
        var hostile = batch with { Models = [batch.Models[0] with { Model = batch.Models[0].Model with { Name = "../x" } }] };
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ImportRecordsAsync(hostile, Importer));
        var misfiled = batch with { Models = [batch.Models[0] with { Versions = [batch.Models[0].Versions[0] with { Model = "elsewhere" }] }] };
        Assert.Contains("names model 'elsewhere'", (await Assert.ThrowsAsync<ArgumentException>(() => Store.ImportRecordsAsync(misfiled, Importer))).Message);
        var badHash = batch with { Datasets = [batch.Datasets[0] with { ContentHash = "not-a-hash" }] };
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ImportRecordsAsync(badHash, Importer));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ImportRecordsAsync(batch, "bad\nactor"));
        Assert.Empty(await Store.ListModelsAsync());
        Assert.Empty(await Store.ListAuditAsync());
    }
}
