using System.IO.Compression;
using System.Text;
using Lepton.Registry.Artifacts;
using Lepton.Registry.References;
using Lepton.Registry.Store;

namespace Lepton.Registry.Archive;

/// <summary>
/// One portable zip file holding models with their versions, aliases, runs, metrics and dataset versions
/// (<c>registry.json</c>) and every artifact they reference (<c>artifacts/sha256/HASH</c>), so a registry moves
/// between stores (SQLite ⇄ PostgreSQL, one machine to another) without losing anything.
/// </summary>
public static class RegistryArchive
{
    private const long MaxRegistryJsonBytes = 512L << 20;

    /// <summary>Writes the archive of <paramref name="modelName"/> (null: every model) to <paramref name="outFile"/> atomically.</summary>
    public static async Task<RegistryArchiveContents> ExportAsync(IRegistryStore store, IArtifactStore artifacts, string? modelName, string outFile,
        CancellationToken ct = default)
    {
        if (modelName is not null) ModelName.Validate(modelName);
        var contents = await ArchiveExporter.CollectAsync(store, artifacts, modelName, ct);
        var full = Path.GetFullPath(outFile);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
                {
                    var json = zip.CreateEntry(RegistryArchiveContents.EntryName, CompressionLevel.Optimal);
                    await using (var s = json.Open()) await s.WriteAsync(Encoding.UTF8.GetBytes(contents.ToJson()), ct);
                    foreach (var hash in contents.Artifacts)
                    {
                        // Weights barely compress; fastest keeps export I/O-bound. CopyToAsync verifies every blob on the way out.
                        var entry = zip.CreateEntry(RegistryArchiveContents.ArtifactFolder + hash, CompressionLevel.Fastest);
                        await using var s = entry.Open();
                        await artifacts.CopyToAsync(hash, s, ct);
                    }
                }
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            return contents;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Reads and validates <c>registry.json</c> of an archive without importing anything.</summary>
    public static async Task<RegistryArchiveContents> ReadContentsAsync(string archiveFile, CancellationToken ct = default)
    {
        using var zip = OpenArchive(archiveFile);
        return await ReadContentsAsync(zip, archiveFile, ct);
    }

    /// <summary>
    /// Imports an archive: checks every blob against its hash first (a corrupted archive changes nothing), then writes
    /// the artifacts, then the records exactly as exported (run ids, version numbers, times, actors, alias history) in one
    /// transaction. Importing the same archive again changes nothing.
    /// </summary>
    public static async Task<ArchiveImportResult> ImportAsync(IRegistryStore store, IArtifactStore artifacts, string archiveFile,
        string actor = "import", CancellationToken ct = default)
    {
        using var zip = OpenArchive(archiveFile);
        var contents = await ReadContentsAsync(zip, archiveFile, ct);
        var entries = ArtifactEntries(zip, archiveFile);
        foreach (var hash in contents.Artifacts)
        {
            if (!entries.TryGetValue(hash, out var entry))
                throw new InvalidDataException($"Archive {archiveFile} lists artifact {hash} but does not contain it; nothing was imported.");
            await using var s = entry.Open();
            var actual = await ArtifactHash.OfStreamAsync(s, ct);
            if (actual != hash)
                throw new InvalidDataException(
                    $"Archive {archiveFile}: artifact {hash} is corrupted (its bytes hash to {actual}); nothing was imported. Export it again.");
        }
        int written = 0;
        foreach (var hash in contents.Artifacts)
        {
            if (await artifacts.ExistsAsync(hash, ct)) continue;
            await using var s = entries[hash].Open();
            var stored = await artifacts.PutAsync(s, ct);
            if (stored != hash) throw new InvalidDataException($"Archive {archiveFile}: artifact {hash} changed while it was read (now {stored}).");
            written++;
        }
        // Every blob is stored before any record names it; the records then go in as one transaction, all or nothing.
        var records = await store.ImportRecordsAsync(contents.ToImportBatch(), actor, ct);
        return new ArchiveImportResult(contents.Models.Select(m => m.Model.Name).ToList(), written, records.VersionsImported, records.VersionsSkipped,
            records.RunsImported, records.DatasetVersionsImported, records.AliasMoves);
    }

    private static ZipArchive OpenArchive(string archiveFile)
    {
        if (!File.Exists(archiveFile)) throw new FileNotFoundException($"Archive {archiveFile} does not exist.", archiveFile);
        try
        {
            return ZipFile.OpenRead(archiveFile);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{archiveFile} is not a Lepton registry archive (not a readable zip file: {e.Message}).", e);
        }
    }

    private static async Task<RegistryArchiveContents> ReadContentsAsync(ZipArchive zip, string source, CancellationToken ct)
    {
        var entry = zip.GetEntry(RegistryArchiveContents.EntryName)
            ?? throw new InvalidDataException($"{source} is not a Lepton registry archive: it has no {RegistryArchiveContents.EntryName}.");
        if (entry.Length > MaxRegistryJsonBytes)
            throw new InvalidDataException($"{source}: {RegistryArchiveContents.EntryName} is {entry.Length:N0} bytes, over the {MaxRegistryJsonBytes:N0}-byte limit.");
        string json;
        await using (var s = entry.Open())
        using (var reader = new StreamReader(s, Encoding.UTF8))
            json = await reader.ReadToEndAsync(ct);
        var contents = RegistryArchiveContents.Parse(json, source);
        Validate(contents, source);
        return contents;
    }

    // Names and hashes come from a file anyone could have edited: check them before they reach a store or a path.
    private static void Validate(RegistryArchiveContents contents, string source)
    {
        foreach (var hash in contents.Artifacts)
        {
            if (!ArtifactHash.IsValid(hash)) throw new InvalidDataException($"Archive {source} lists a malformed artifact hash {ModelName.Quote(hash)}.");
        }
        foreach (var model in contents.Models)
        {
            ModelName.Validate(model.Model.Name);
            foreach (var alias in model.Aliases) ModelName.Validate(alias.Alias.Alias, "alias");
            foreach (var v in model.Versions)
            {
                if (v.Model != model.Model.Name || v.Version < 1)
                    throw new InvalidDataException($"Archive {source}: version {v.Version} filed under model '{model.Model.Name}' names model '{v.Model}'.");
                if (!contents.Artifacts.Contains(v.ArtifactHash))
                    throw new InvalidDataException($"Archive {source}: {v.Model}@{v.Version} needs artifact {v.ArtifactHash}, which the archive does not hold.");
            }
        }
    }

    private static Dictionary<string, ZipArchiveEntry> ArtifactEntries(ZipArchive zip, string source)
    {
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            if (!entry.FullName.StartsWith(RegistryArchiveContents.ArtifactFolder, StringComparison.Ordinal)) continue;
            var hash = entry.FullName[RegistryArchiveContents.ArtifactFolder.Length..];
            if (!ArtifactHash.IsValid(hash)) throw new InvalidDataException($"Archive {source} has an artifact entry with a malformed name {ModelName.Quote(entry.FullName)}.");
            entries[hash] = entry;
        }
        return entries;
    }
}
