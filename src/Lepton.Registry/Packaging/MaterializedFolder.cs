using Lepton.Registry.Artifacts;

namespace Lepton.Registry.Packaging;

/// <summary>Writes a manifest's files into a folder from verified blobs, and checks an existing folder against a manifest.</summary>
internal static class MaterializedFolder
{
    public static async Task WriteAsync(IArtifactStore store, ModelManifest manifest, string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        foreach (var (relative, file) in manifest.Files.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var path = Path.Combine(folder, relative.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                await store.CopyToAsync(file.Sha256, output, ct);
                if (output.Length != file.Size)
                    throw new InvalidDataException($"Artifact {file.Sha256} ({relative}) is {output.Length:N0} bytes; the manifest says {file.Size:N0}.");
                output.Flush(flushToDisk: true);
            }
        }
        foreach (var dir in Directory.EnumerateDirectories(folder)) DurableFileSystem.SyncDirectory(dir);
        DurableFileSystem.SyncDirectory(folder);
    }

    /// <summary>True when the folder holds exactly the manifest's files with the right hashes.</summary>
    public static async Task<bool> MatchesAsync(string folder, ModelManifest manifest, CancellationToken ct)
    {
        var present = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(folder, p).Replace(Path.DirectorySeparatorChar, '/'))
            .ToHashSet(StringComparer.Ordinal);
        if (!present.SetEquals(manifest.Files.Keys)) return false;
        foreach (var (relative, file) in manifest.Files)
        {
            var path = Path.Combine(folder, relative.Replace('/', Path.DirectorySeparatorChar));
            if (new FileInfo(path).Length != file.Size) return false;
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
            if (await ArtifactHash.OfStreamAsync(stream, ct) != file.Sha256) return false;
        }
        return true;
    }
}
