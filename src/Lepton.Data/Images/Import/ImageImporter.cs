using System.Diagnostics;
using Lepton.Data.Images.Datasets;

namespace Lepton.Data.Images.Import;

/// <summary>What an import produced: the manifest with its pixel shards, the training pixels' channel sums, and how many files were decoded or reused.</summary>
public sealed record ImageImportOutcome(ImageManifest Manifest, ChannelSums TrainPixels, int Decoded, int Reused);

/// <summary>
/// Imports scanned image files in two passes. <see cref="Plan"/> hashes every file and reads its header (no decoding) and
/// chooses the stored size and channels; <see cref="DecodeAsync"/> decodes blocks of files on all cores, writes their pixels
/// in path order into shards (bounded memory: one block of resized images at a time) and hands each finished shard to
/// the caller to store. Files whose pixels an earlier version holds at the same layout are copied, not decoded.
/// Cancellation stops between blocks and deletes the temporary shards.
/// </summary>
public sealed class ImageImporter(ImageImportOptions options)
{
    public ImageImportOptions Options { get; } = options;

    /// <summary>Pass one: hash and header of every file, then the layout (given, or chosen from the readable images).</summary>
    public ImageImportPlan Plan(ImageScan scan, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        Options.Validate();
        var probes = new ImageProbe[scan.Files.Count];
        int done = 0;
        long bytes = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, scan.Files.Count, new ParallelOptions { MaxDegreeOfParallelism = Options.WorkerCount, CancellationToken = ct }, i =>
        {
            var file = scan.Files[i];
            probes[i] = ProbeFile(file);
            Interlocked.Add(ref bytes, probes[i].Size);
            int n = Interlocked.Increment(ref done);
            if (progress is not null && (n % 256 == 0 || n == probes.Length))
                progress.Report(new ImportProgress("reading", n, probes.Length, Interlocked.Read(ref bytes), n / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        });
        var readable = probes.Where(p => p.IsReadable).ToList();
        var (w, h) = Options.Width is { } ow ? (ow, Options.Height!.Value) : ImportSize.Choose([.. readable.Select(p => (p.Width, p.Height))]);
        int channels = Options.Channels ?? (readable.Any(p => p.Colour) ? 3 : 1);
        return new ImageImportPlan(scan, probes, w, h, channels, Options.Resize);
    }

    private ImageProbe ProbeFile(ScannedImage file)
    {
        long length = new FileInfo(file.FullPath).Length;
        if (length > Options.MaxFileBytes)
        {
            // Too big to read for a hash: its identity is its size and modification time, enough to notice a change.
            var stamp = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes($"unread:{length}:{File.GetLastWriteTimeUtc(file.FullPath):O}")));
            return new ImageProbe(stamp, length, 0, 0, false, new ImageProblem(ImageProblemKind.TooLarge,
                $"{file.Path} is {length:N0} bytes, more than the {Options.MaxFileBytes:N0} allowed for one image file; it was not read."));
        }
        return ImageFileReader.Probe(File.ReadAllBytes(file.FullPath), file.Path, Options.MaxPixels);
    }

    /// <summary>
    /// Pass two: decodes the plan's readable files (or copies them from <paramref name="reuse"/>) into shards; each finished
    /// shard file is passed to <paramref name="storeShard"/>, which returns its artifact hash.
    /// </summary>
    public async Task<ImageImportOutcome> DecodeAsync(ImageImportPlan plan, string tempFolder, Func<string, CancellationToken, Task<string>> storeShard,
        ImagePixelReuse? reuse = null, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var files = plan.Scan.Files;
        int imageBytes = plan.Width * plan.Height * plan.Channels;
        if (reuse is not null && !plan.SameLayout(reuse.Source.Layout)) reuse = null;
        var items = plan.Items().ToArray();
        var shards = new List<string>();
        var sums = new ChannelSums(plan.Channels);
        bool allTrain = files.All(f => f.Split is null); // no splits yet: statistics over every image
        int block = Math.Max(1, Options.WorkerCount * 16);
        var buffer = new byte[block * imageBytes];
        var decoded = new DecodedImage[block];
        int decodedCount = 0, reusedCount = 0, done = 0;
        long bytesDone = 0;
        var clock = Stopwatch.StartNew();
        using var writer = new ImageShardWriter(tempFolder, plan.Width, plan.Height, plan.Channels, Options.ShardBytes);
        for (int start = 0; start < files.Count; start += block)
        {
            ct.ThrowIfCancellationRequested();
            int count = Math.Min(block, files.Count - start);
            int fromBlock = 0, reusedBlock = 0;
            await Task.Run(() => Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Options.WorkerCount, CancellationToken = ct }, k =>
            {
                int i = start + k;
                var probe = plan.Probes[i];
                var slot = buffer.AsSpan(k * imageBytes, imageBytes);
                if (probe.Problem is not null) { decoded[k] = new DecodedImage(0, 0, 0, probe.Problem); return; }
                if (reuse is not null && reuse.BySha256.TryGetValue(probe.Sha256, out var old))
                {
                    if (old.IsReadable) reuse.Source.Read(old, slot);
                    decoded[k] = new DecodedImage(old.Width, old.Height, old.Channels, old.IsReadable ? null : old.Problem);
                    Interlocked.Increment(ref reusedBlock);
                    return;
                }
                decoded[k] = ImageFileReader.Decode(File.ReadAllBytes(files[i].FullPath), files[i].Path, Options.MaxPixels,
                    plan.Channels, plan.Width, plan.Height, plan.Resize, slot);
                Interlocked.Increment(ref fromBlock);
            }), ct);
            decodedCount += fromBlock;
            reusedCount += reusedBlock;
            for (int k = 0; k < count; k++)
            {
                int i = start + k;
                var d = decoded[k];
                if (d.Problem is not null)
                {
                    items[i] = items[i] with { Problem = d.Problem };
                    continue;
                }
                var pixels = buffer.AsSpan(k * imageBytes, imageBytes);
                var (shard, slotIndex) = writer.Next;
                items[i] = items[i] with { Width = d.Width, Height = d.Height, Channels = d.Channels, Shard = shard, Slot = slotIndex, Problem = null };
                if (allTrain || files[i].Split == ImageSplits.Train) sums.Add(pixels);
                if (writer.Append(pixels) is { } finished) shards.Add(await StoreAsync(finished));
            }
            done += count;
            for (int k = 0; k < count; k++) bytesDone += plan.Probes[start + k].Size;
            progress?.Report(new ImportProgress("decoding", done, files.Count, bytesDone, done / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
        if (writer.Finish() is { } last) shards.Add(await StoreAsync(last));
        var manifest = new ImageManifest(items, plan.Classes(), new ImagePixels(plan.Width, plan.Height, plan.Channels, plan.ResizeName, shards));
        return new ImageImportOutcome(manifest, sums, decodedCount, reusedCount);

        async Task<string> StoreAsync(string path)
        {
            var hash = await storeShard(path, ct);
            if (File.Exists(path)) File.Delete(path);
            return hash;
        }
    }
}
