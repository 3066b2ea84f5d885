using System.Globalization;
using Lepton.Registry.Archive;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;
using Lepton.Registry.Tests.Packaging;

namespace Lepton.Registry.Tests.Archive;

/// <summary>A source registry with everything an archive must carry, and a projection of archives for comparison.</summary>
public static class ArchiveScenario
{
    /// <summary>
    /// Model "cnn": versions 1..4 with 2 deleted (a gap) from two model folders, a run with per-epoch metrics and a log,
    /// dataset "toy" versions 1..2 (2 names 1 as parent), aliases moved and rolled back. Model "other": one version.
    /// </summary>
    public static async Task PopulateAsync(IRegistryStore store, IArtifactStore artifacts, string scratch)
    {
        var package = new ModelPackage(artifacts, new ModelPackageOptions(CacheRoot: Path.Combine(scratch, "cache")));
        var small = await package.StoreAsync(ModelFolders.WriteSmall(Path.Combine(scratch, "small"), hidden: 4));
        var wide = await package.StoreAsync(ModelFolders.WriteSmall(Path.Combine(scratch, "wide"), hidden: 12, seed: 2));
        var described = await package.DescribeAsync(small);

        var manifestHash = await artifacts.PutAsync(new MemoryStream("{\"files\":[]}"u8.ToArray()));
        await store.AddDatasetVersionAsync("toy", manifestHash, "{\"files\":[]}", "{\"x\":\"float32\"}", "{\"rows\":10}", null, "alice");
        await store.AddDatasetVersionAsync("toy", manifestHash, "{\"files\":[1]}", "{\"x\":\"float32\"}", "{\"rows\":12}", 1, "alice");

        var run = await store.StartRunAsync("cnn-train", "{\"lr\":0.01}", "host-a", "abc123", "toy@2", 42, "alice");
        for (int epoch = 1; epoch <= 3; epoch++)
            await store.LogMetricsAsync(run.Id, epoch, new Dictionary<string, double> { ["loss"] = 1.0 / epoch, ["val_accuracy"] = 0.5 + epoch / 10.0 });
        await store.LogMetricsAsync(run.Id, 3, new Dictionary<string, double> { ["grad_norm"] = double.NaN });
        await store.AppendRunLogAsync(run.Id, "epoch 1\nepoch 2\n");
        await store.AppendRunLogAsync(run.Id, "epoch 3\n");
        await store.EndRunAsync(run.Id, RunStatus.Completed, null, "alice");

        await store.RegisterModelVersionAsync(new NewModelVersion("cnn", small, described.ArchitectureSummary, "{\"test_accuracy\":0.8}", run.Id, "toy@2",
            described.SignatureJson, "alice"));
        await store.RegisterModelVersionAsync(new NewModelVersion("cnn", wide, "wide", "{}", null, null, "{}", "bob"));
        await store.RegisterModelVersionAsync(new NewModelVersion("cnn", wide, "wide again", "{\"test_accuracy\":0.85}", run.Id, "toy@2", "{}", "bob"));
        await store.RegisterModelVersionAsync(new NewModelVersion("cnn", small, "small again", "{}", null, null, "{}", "bob"));
        await store.DeleteModelAsync("cnn", 2, "bob");
        await store.SetAliasAsync("cnn", "production", 1, "alice");
        await store.SetAliasAsync("cnn", "production", 3, "bob");
        await store.RollbackAliasAsync("cnn", "production", "carol");
        await store.SetAliasAsync("cnn", "staging", 4, "bob");

        await store.RegisterModelVersionAsync(new NewModelVersion("other", wide, "other", "{}", null, null, "{}", "dave"));
    }

    /// <summary>
    /// The whole registry.json of an archive except what only says where and when it was exported, so archives of the
    /// same registry taken from different stores compare equal: run ids, time stamps, actors and alias moves included.
    /// </summary>
    public static string Records(RegistryArchiveContents c) => (c with { ExportedAt = default, SourceBackend = "" }).ToJson();

    /// <summary>What must survive a move between stores, as readable lines (a failing comparison shows where they differ).</summary>
    public static string Describe(RegistryArchiveContents c)
    {
        var runs = c.Runs.ToDictionary(r => r.Run.Id);
        var lines = new List<string> { $"artifacts {string.Join(",", c.Artifacts)}" };
        foreach (var d in c.Datasets)
            lines.Add($"dataset {d.Name}@{d.Version} {d.ContentHash} {d.ManifestJson} {d.SchemaJson} {d.StatisticsJson} parent={d.ParentVersion} by={d.CreatedBy}");
        foreach (var m in c.Models)
        {
            lines.Add($"model {m.Model.Name} latest={m.Model.LatestVersion}");
            foreach (var v in m.Versions)
            {
                lines.Add($"  v{v.Version} {v.ArtifactHash} [{v.ArchitectureSummary}] {v.MetricsJson} {v.SignatureJson} ds={v.DatasetRef} by={v.CreatedBy}");
                if (v.RunId is { } id && runs.TryGetValue(id, out var r))
                {
                    lines.Add($"    run {r.Run.Name} {r.Run.Status} {r.Run.ParametersJson} {r.Run.Host} {r.Run.CodeVersion} {r.Run.DatasetRef} seed={r.Run.Seed} log={r.Log.Replace("\n", "|")}");
                    lines.AddRange(r.Metrics.Select(x => string.Create(CultureInfo.InvariantCulture, $"      {x.Step} {x.Key}={x.Value:R}")));
                }
            }
            foreach (var a in m.Aliases)
            {
                lines.Add($"  alias {a.Alias.Alias} -> {a.Alias.Version}");
                lines.AddRange(a.History.Select(h => $"    {h.PreviousVersion} -> {h.Version} by {h.Actor}"));
            }
        }
        return string.Join("\n", lines);
    }
}
