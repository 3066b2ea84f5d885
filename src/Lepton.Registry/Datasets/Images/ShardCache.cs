using Lepton.Registry.Artifacts;

namespace Lepton.Registry.Datasets.Images;

/// <summary>
/// Pixel shards materialized once as local files (<c>$LEPTON_HOME/cache/shards/&lt;hash&gt;</c>) so training reads them with
/// positioned reads instead of holding them in memory. A shard is copied from the artifact store into a temporary file,
/// its hash checked, then renamed into place: a file under its final name was verified when it was written.
/// </summary>
public sealed class ShardCache(IArtifactStore artifacts, string? folder = null)
{
    public string Folder { get; } = folder ?? Path.Combine(LeptonHome.Resolve(), "cache", "shards");

    public string PathOf(string hash)
    {
        ArtifactHash.Validate(hash);
        return Path.Combine(Folder, hash);
    }

    /// <summary>The local file of shard <paramref name="hash"/>, copied and verified when not yet present.</summary>
    public async Task<string> MaterializeAsync(string hash, CancellationToken ct = default)
    {
        string path = PathOf(hash);
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(Folder);
        string temp = Path.Combine(Folder, $".{hash}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20))
            {
                await artifacts.CopyToAsync(hash, output, ct);
                output.Position = 0;
                var actual = await ArtifactHash.OfStreamAsync(output, ct);
                if (actual != hash)
                    throw new ArtifactCorruptedException(hash, temp, $"the copy hashes to {actual}");
            }
            File.Move(temp, path, overwrite: true);
            return path;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Stores a freshly written shard file as an artifact and keeps it as the cached copy (no second copy later).</summary>
    public async Task<string> StoreAsync(string file, CancellationToken ct = default)
    {
        string hash;
        await using (var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            hash = await artifacts.PutAsync(input, ct);
        Directory.CreateDirectory(Folder);
        var target = PathOf(hash);
        if (File.Exists(target)) File.Delete(file);
        else File.Move(file, target);
        return hash;
    }
}
