using System.Security.Cryptography;
using System.Text.Json;
using Lepton.Data;
using Lepton.Data.Formats;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets;

/// <summary>
/// Records the exact files a run read as a dataset version: a manifest of file names, sizes and SHA-256s
/// whose own hash is the version's content hash. The same files give the same version (no duplicate).
/// </summary>
public static class DatasetVersions
{
    public static Task<DatasetVersion> RecordFilesAsync(IRegistryStore store, string name, IReadOnlyList<string> files,
        string schemaJson, string statisticsJson, string actor, CancellationToken ct = default) =>
        RecordAsync(store, name, [.. files.Select(f => (Path.GetFileName(f), f))], schemaJson, statisticsJson, actor, ct);

    /// <summary>
    /// Records a tensor data set folder (every .npy under train/ and test/, and dataset.json) as a version of the data set
    /// named after the folder, files named by their path inside it.
    /// </summary>
    public static Task<DatasetVersion> RecordTensorFolderAsync(IRegistryStore store, string root, string actor, CancellationToken ct = default)
    {
        var full = Path.GetFullPath(root);
        var files = new[] { "train", "test" }.Select(split => Path.Combine(full, split)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.npy"))
            .Concat(new[] { Path.Combine(full, TensorFolder.DescriptionFile) }.Where(File.Exists))
            .Select(f => (Path.GetRelativePath(full, f).Replace('\\', '/'), f)).ToList();
        var name = new string(Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
        return RecordAsync(store, name.Length == 0 ? "tensors" : name, files, "{\"format\":\"lepton-tensor-folder/1\"}", "{}", actor, ct);
    }

    private static async Task<DatasetVersion> RecordAsync(IRegistryStore store, string name, IReadOnlyList<(string Name, string Path)> files,
        string schemaJson, string statisticsJson, string actor, CancellationToken ct)
    {
        var entries = new List<object>();
        foreach (var (fileName, file) in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            await using var s = File.OpenRead(file);
            var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(s, ct));
            entries.Add(new { file = fileName, size = new FileInfo(file).Length, sha256 = hash });
        }
        string manifest = JsonSerializer.Serialize(new { format = "lepton-dataset-manifest/1", files = entries });
        string contentHash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(manifest)));
        var existing = await store.ListDatasetVersionsAsync(name, ct);
        if (existing.FirstOrDefault(v => v.ContentHash == contentHash) is { } same) return same;
        int? parent = existing.Count == 0 ? null : existing.Max(v => v.Version);
        return await store.AddDatasetVersionAsync(name, contentHash, manifest, schemaJson, statisticsJson, parent, actor, ct);
    }

    /// <summary>Records the Fashion-MNIST files in use (found as <see cref="FashionMnist.Load"/> finds them) with class counts per split.</summary>
    public static Task<DatasetVersion> RecordFashionMnistAsync(IRegistryStore store, string? dataDir, string actor, CancellationToken ct = default)
    {
        string dir = FashionMnist.FindDirectory(dataDir, train: true);
        var files = Directory.EnumerateFiles(dir)
            .Where(f => Path.GetFileName(f) is var n && (n.StartsWith("train-", StringComparison.Ordinal) || n.StartsWith("t10k-", StringComparison.Ordinal)))
            .ToList();
        var stats = new Dictionary<string, object>();
        foreach (var split in new[] { "train", "t10k" })
        {
            var labels = files.FirstOrDefault(f => Path.GetFileName(f).StartsWith($"{split}-labels", StringComparison.Ordinal));
            if (labels is null) continue;
            var ids = Idx.Read(labels).ToInt32().ToIntArray();
            stats[split == "t10k" ? "test" : "train"] = new
            {
                examples = ids.Length,
                class_counts = FashionMnist.ClassNames.Select((c, i) => new { @class = c, count = ids.Count(v => v == i) }),
            };
        }
        string schema = JsonSerializer.Serialize(new { input = new { shape = FashionMnist.ImageShape.ToArray(), dtype = "uint8" }, classes = FashionMnist.ClassNames });
        return RecordFilesAsync(store, "fashion-mnist", files, schema, JsonSerializer.Serialize(stats), actor, ct);
    }
}
