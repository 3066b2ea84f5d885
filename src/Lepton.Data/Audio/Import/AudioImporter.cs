using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using Lepton.Data.Audio.Dsp;
using Lepton.Data.Audio.Wav;
using Lepton.Data.Images.Import;

namespace Lepton.Data.Audio.Import;

/// <summary>
/// What an import produced: the manifest (its <see cref="AudioManifest.Blob"/> still empty), the temporary blob file of
/// 16-bit samples (the caller stores it, then deletes it), where the clips came from and what was skipped.
/// </summary>
public sealed record AudioImportOutcome(AudioManifest Manifest, string BlobFile, string Source, string Layout, IReadOnlyList<string> Skipped);

/// <summary>
/// Reads a folder or manifest of WAV files into items and one blob of 16-bit mono samples at the chosen rate: each file is
/// size-checked before it is read, hashed, its header checked against the limits, decoded, downmixed, resampled, measured
/// (peak, RMS, clipping) and rounded to 16 bits. A file that cannot be read becomes an item with a problem. Files are
/// decoded in parallel blocks and written in path order, so the blob is the same bytes on every run.
/// </summary>
public sealed class AudioImporter(AudioImportOptions options)
{
    public AudioImportOptions Options { get; } = options;

    /// <summary>A source sample at or beyond this magnitude counts as clipped.</summary>
    public const double ClipLevel = 32767.0 / 32768.0;

    public AudioImportOutcome Import(string path, string blobFile, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        Options.Validate();
        var scan = AudioFolderScanner.Scan(path, Options.MaxFiles, ct);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(blobFile))!);
        try
        {
            using var blob = new FileStream(blobFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            var items = new AudioItem[scan.Files.Count];
            var samples = new byte[]?[64];
            var clock = Stopwatch.StartNew();
            long bytes = 0;
            for (int start = 0; start < scan.Files.Count; start += samples.Length)
            {
                ct.ThrowIfCancellationRequested();
                int count = Math.Min(samples.Length, scan.Files.Count - start);
                Parallel.For(0, count, new ParallelOptions { CancellationToken = ct }, k => (items[start + k], samples[k]) = Read(scan.Files[start + k]));
                for (int k = 0; k < count; k++)
                {
                    int i = start + k;
                    bytes += items[i].Size;
                    if (samples[k] is { } pcm)
                    {
                        if (blob.Length + pcm.Length > Options.MaxTotalBytes)
                            throw new AudioImportException($"The clips exceed {Options.MaxTotalBytes:N0} bytes of samples in all (at {items[i].Path}); nothing was imported. Import the data in parts or at a lower --rate.");
                        items[i] = items[i] with { Offset = blob.Length };
                        blob.Write(pcm);
                    }
                    samples[k] = null;
                }
                progress?.Report(new ImportProgress("reading", start + count, scan.Files.Count, bytes, (start + count) / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
            }
            var classes = items.Select(i => i.Label).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var manifest = new AudioManifest(items, classes, Options.SampleRate, Options.Recipe(), "");
            string layout = scan.Layout switch
            {
                ImageFolderLayout.KerasSplits => "keras-splits",
                ImageFolderLayout.Manifest => "manifest",
                _ => "command-folders",
            };
            return new AudioImportOutcome(manifest, blobFile, scan.Root, layout, scan.Skipped);
        }
        catch
        {
            if (File.Exists(blobFile)) File.Delete(blobFile);
            throw;
        }
    }

    private (AudioItem Item, byte[]? Pcm) Read(ScannedAudio file)
    {
        long length = new FileInfo(file.FullPath).Length;
        if (length > Options.MaxFileBytes)
        {
            // Too big to read for a hash: its identity is its size and modification time, enough to notice a change.
            var stamp = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"unread:{length}:{File.GetLastWriteTimeUtc(file.FullPath):O}")));
            return (new AudioItem(file.Path, stamp, length, file.Label, file.Split, file.Group,
                Problem: $"{file.Path} is {length:N0} bytes, more than the {Options.MaxFileBytes:N0} allowed for one WAV file (--max-file-bytes); it was not read."), null);
        }
        var raw = File.ReadAllBytes(file.FullPath);
        var item = new AudioItem(file.Path, Convert.ToHexStringLower(SHA256.HashData(raw)), raw.Length, file.Label, file.Split, file.Group);
        try
        {
            using var stream = new MemoryStream(raw, writable: false);
            var clip = WavReader.Read(stream, file.Path, Options.ReadOptions, out var info);
            return Measure(item with { SourceRate = info.SampleRate, SourceChannels = info.Channels }, clip);
        }
        catch (InvalidDataException e)
        {
            return (item with { Problem = e.Message }, null);
        }
    }

    private (AudioItem, byte[]) Measure(AudioItem item, AudioClip clip)
    {
        int clipped = 0;
        foreach (float v in clip.Samples) if (Math.Abs(v) >= ClipLevel) clipped++;
        var x = AudioResampler.Resample(clip.Samples, clip.SampleRate, Options.SampleRate);
        var pcm = new byte[2 * x.Length];
        double sum = 0, peak = 0;
        for (int i = 0; i < x.Length; i++)
        {
            short s = (short)Math.Round(Math.Clamp(x[i] * 32768.0, -32768, 32767));
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(2 * i), s);
            double v = s / 32768.0;
            sum += v * v;
            peak = Math.Max(peak, Math.Abs(v));
        }
        double rms = x.Length == 0 ? 0 : Math.Sqrt(sum / x.Length);
        return (item with
        {
            Samples = x.Length,
            Seconds = clip.Seconds,
            Peak = peak,
            RmsDb = rms > 0 ? Math.Max(AudioItem.SilentDb, 20 * Math.Log10(rms)) : AudioItem.SilentDb,
            Clipped = (double)clipped / clip.Samples.Length,
        }, pcm);
    }
}
