using System.IO.Compression;
using Lepton.Registry.Archive;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;
using Lepton.Registry.Tests.Artifacts;

namespace Lepton.Registry.Tests.Archive;

/// <summary>Export and import between SQLite stores: nothing lost, idempotent, conflicts and corruption refused.</summary>
public sealed class RegistryArchiveTests : IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private IRegistryStore _source = null!;
    private FileArtifactStore _sourceArtifacts = null!;

    public async Task InitializeAsync()
    {
        _source = await RegistryStoreFactory.OpenAsync("sqlite:" + _temp.Sub("source.db"));
        _sourceArtifacts = new FileArtifactStore(new FileArtifactStoreOptions(_temp.Sub("source-artifacts")));
        await ArchiveScenario.PopulateAsync(_source, _sourceArtifacts, _temp.Sub("scratch"));
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<(IRegistryStore Store, FileArtifactStore Artifacts)> FreshAsync(string name) =>
        (await RegistryStoreFactory.OpenAsync("sqlite:" + _temp.Sub(name + ".db")), new FileArtifactStore(new FileArtifactStoreOptions(_temp.Sub(name + "-artifacts"))));

    [Fact]
    public async Task ExportImportExportDescribesTheSameRegistry()
    {
        var first = await RegistryArchive.ExportAsync(_source, _sourceArtifacts, "cnn", _temp.Sub("a.zip"));
        Assert.Equal(["cnn"], first.Models.Select(m => m.Model.Name));
        Assert.Equal([1, 3, 4], first.Models[0].Versions.Select(v => v.Version));
        Assert.Single(first.Runs);
        Assert.Equal(2, first.Datasets.Count);
        Assert.Equal(7, first.Artifacts.Count); // per model folder: manifest, model.json, weights (x2); plus the dataset manifest

        var (target, artifacts) = await FreshAsync("target");
        await using (target)
        {
            var result = await RegistryArchive.ImportAsync(target, artifacts, _temp.Sub("a.zip"));
            Assert.Equal(3, result.VersionsImported);
            Assert.Equal(first.Artifacts.Count, result.ArtifactsWritten);
            Assert.Equal(1, result.RunsImported);
            Assert.Equal(2, result.DatasetVersionsImported);
            await RegistryArchive.ExportAsync(target, artifacts, "cnn", _temp.Sub("b.zip"));

            Assert.Null(await target.GetModelVersionAsync("cnn", 2));
            Assert.Equal(4, (await target.GetModelAsync("cnn"))!.LatestVersion);
            var v1 = (await target.GetModelVersionAsync("cnn", 1))!;
            Assert.Equal(first.Models[0].Versions[0], v1);
            Assert.Equal(first.Runs[0].Run, await target.GetRunAsync(v1.RunId!));
            await foreach (var hash in artifacts.ListAsync()) await artifacts.VerifyAsync(hash);
            var folder = await new ModelPackage(artifacts, new ModelPackageOptions(CacheRoot: _temp.Sub("cache"))).MaterializeAsync(v1.ArtifactHash);
            Lepton.NN.Serialization.ModelFile.Load(folder);
        }
        var second = await RegistryArchive.ReadContentsAsync(_temp.Sub("b.zip"));
        Assert.Equal(ArchiveScenario.Describe(first), ArchiveScenario.Describe(second));
        Assert.Equal(ArchiveScenario.Records(first), ArchiveScenario.Records(second));
        Assert.Equal("sqlite", second.SourceBackend);
    }

    [Fact]
    public async Task ImportingTwiceChangesNothing()
    {
        await RegistryArchive.ExportAsync(_source, _sourceArtifacts, null, _temp.Sub("all.zip"));
        var (target, artifacts) = await FreshAsync("twice");
        await using (target)
        {
            await RegistryArchive.ImportAsync(target, artifacts, _temp.Sub("all.zip"));
            var audit = (await target.ListAuditAsync(1000)).Count;
            var again = await RegistryArchive.ImportAsync(target, artifacts, _temp.Sub("all.zip"));
            Assert.Equal((0, 0, 0, 0, 0, 4), (again.ArtifactsWritten, again.VersionsImported, again.RunsImported, again.DatasetVersionsImported,
                again.AliasMoves, again.VersionsSkipped));
            Assert.Equal(audit, (await target.ListAuditAsync(1000)).Count);
            Assert.Equal(["cnn", "other"], (await target.ListModelsAsync()).Select(m => m.Name).Order());
            Assert.Equal(3, (await target.GetAliasHistoryAsync("cnn", "production")).Count);
        }
    }

    [Fact]
    public async Task ADifferentVersionInTheTargetIsAClearConflict()
    {
        await RegistryArchive.ExportAsync(_source, _sourceArtifacts, "cnn", _temp.Sub("a.zip"));
        var (target, artifacts) = await FreshAsync("conflict");
        await using (target)
        {
            await target.RegisterModelVersionAsync(new NewModelVersion("cnn", new string('f', 64), "mine", "{}", null, null, "{}", "eve"));
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RegistryArchive.ImportAsync(target, artifacts, _temp.Sub("a.zip")));
            Assert.Contains("already has a different version 1 of model 'cnn'", e.Message);
        }
    }

    [Fact]
    public async Task ACorruptedBlobInTheArchiveIsRefusedNamingItsHashAndNothingIsImported()
    {
        var contents = await RegistryArchive.ExportAsync(_source, _sourceArtifacts, "cnn", _temp.Sub("a.zip"));
        var victim = contents.Models[0].Versions[0].ArtifactHash;
        using (var zip = ZipFile.Open(_temp.Sub("a.zip"), ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry(RegistryArchiveContents.ArtifactFolder + victim)!;
            byte[] bytes;
            using (var s = entry.Open())
            {
                var ms = new MemoryStream();
                s.CopyTo(ms);
                bytes = ms.ToArray();
            }
            bytes[bytes.Length / 2] ^= 0x20;
            entry.Delete();
            using var w = zip.CreateEntry(RegistryArchiveContents.ArtifactFolder + victim).Open();
            w.Write(bytes);
        }
        var (target, artifacts) = await FreshAsync("corrupt");
        await using (target)
        {
            var e = await Assert.ThrowsAsync<InvalidDataException>(() => RegistryArchive.ImportAsync(target, artifacts, _temp.Sub("a.zip")));
            Assert.Contains(victim, e.Message);
            Assert.Contains("nothing was imported", e.Message);
            Assert.Empty(await target.ListModelsAsync());
            await foreach (var _ in artifacts.ListAsync()) Assert.Fail("no artifact may be written from a corrupted archive");
        }
    }

    [Fact]
    public async Task ExportRefusesACorruptedStoredArtifactAndLeavesNoFile()
    {
        var v = (await _source.GetModelVersionAsync("cnn", 1))!;
        var path = _sourceArtifacts.PathOf(v.ArtifactHash);
        var bytes = File.ReadAllBytes(path);
        bytes[5] ^= 1;
        File.WriteAllBytes(path, bytes);
        var e = await Assert.ThrowsAsync<ArtifactCorruptedException>(() => RegistryArchive.ExportAsync(_source, _sourceArtifacts, "cnn", _temp.Sub("x.zip")));
        Assert.Contains(v.ArtifactHash, e.Message);
        Assert.False(File.Exists(_temp.Sub("x.zip")));
        Assert.Empty(Directory.GetFiles(_temp.Path, "x.zip*"));
    }

    [Fact]
    public async Task NotAnArchiveAndUnknownModelsFailClearly()
    {
        File.WriteAllText(_temp.Sub("junk.zip"), "not a zip");
        var (target, artifacts) = await FreshAsync("junk");
        await using (target)
        {
            Assert.Contains("not a Lepton registry archive",
                (await Assert.ThrowsAsync<InvalidDataException>(() => RegistryArchive.ImportAsync(target, artifacts, _temp.Sub("junk.zip")))).Message);
        }
        Assert.Contains("no model named 'nope'",
            (await Assert.ThrowsAsync<KeyNotFoundException>(() => RegistryArchive.ExportAsync(_source, _sourceArtifacts, "nope", _temp.Sub("n.zip")))).Message);
        await Assert.ThrowsAsync<Lepton.Registry.References.ModelNameException>(() => RegistryArchive.ExportAsync(_source, _sourceArtifacts, "../x", _temp.Sub("n.zip")));
    }
}
