using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Import;
using Lepton.Data.Text.Import.Email;

namespace Lepton.Data.Text.Import;

/// <summary>
/// What an import produced: the manifest (its <see cref="TextManifest.Blob"/> still empty), the temporary blob file holding
/// every readable text (the caller stores it, then deletes it), where the texts came from and what was skipped.
/// </summary>
public sealed record TextImportOutcome(TextManifest Manifest, string BlobFile, string Source, string Layout, IReadOnlyList<string> Skipped);

/// <summary>
/// Reads a folder of text files (plain text or raw e-mails) or a CSV/JSONL table into items and one UTF-8 blob: each file
/// is size-checked before it is read, hashed, decoded (strict UTF-8, or the e-mail's charsets), normalized (NFC/NFKC) and
/// length-checked. A file that cannot be read becomes an item with a problem; a hostile table (bad path, bad JSON, not
/// UTF-8, too big) refuses the whole import. Files are decoded in parallel blocks and written in path order, so the blob
/// is the same bytes on every run.
/// </summary>
public sealed class TextImporter(TextImportOptions options)
{
    public TextImportOptions Options { get; } = options;

    public TextImportOutcome Import(string path, string blobFile, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        Options.Validate();
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(blobFile)!);
        try
        {
            using var blob = new BlobWriter(blobFile, Options.MaxTotalBytes);
            if (!TextTableReader.IsTable(full)) return Folder(Scan(full, ct), blob, progress, ct);
            return Options.TextColumn is null ? Folder(Manifest(full, ct), blob, progress, ct) : Table(full, blob, progress, ct);
        }
        catch
        {
            if (File.Exists(blobFile)) File.Delete(blobFile);
            throw;
        }
    }

    private TextScan Scan(string path, CancellationToken ct) => TextFolderScanner.Scan(path, Options.MaxFiles, ct);

    // A table without --text-column lists files (path,label[,split][,group]) as an image manifest does; the image scanner's
    // checks apply: an absolute path, a path with .. leading out of the folder, a missing file or a file listed twice refuses
    // the whole import, and a path through a link out of the folder is skipped.
    private TextScan Manifest(string path, CancellationToken ct)
    {
        ImageScan scan;
        try { scan = ImageFolderScanner.ScanManifest(path, new ImageScanOptions(Options.MaxFiles), ct); }
        catch (ImageImportException e)
        {
            throw new TextImportException(e.Message.Contains("no 'path' column", StringComparison.Ordinal)
                ? e.Message + " For a table that holds the texts themselves, name the text column with --text-column."
                : e.Message);
        }
        return new TextScan(scan.Root, scan.Layout, [.. scan.Files.Select(f => new ScannedText(f.FullPath, f.Path, f.Label, f.Split, f.Group))], scan.Skipped);
    }

    private TextImportOutcome Folder(TextScan scan, BlobWriter blob, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var items = new TextItem[scan.Files.Count];
        var texts = new string?[256];
        var clock = Stopwatch.StartNew();
        long bytes = 0;
        for (int start = 0; start < scan.Files.Count; start += texts.Length)
        {
            ct.ThrowIfCancellationRequested();
            int count = Math.Min(texts.Length, scan.Files.Count - start);
            Parallel.For(0, count, new ParallelOptions { CancellationToken = ct }, k =>
            {
                var file = scan.Files[start + k];
                (items[start + k], texts[k]) = ReadFile(file);
            });
            for (int k = 0; k < count; k++)
            {
                int i = start + k;
                bytes += items[i].Size;
                if (texts[k] is { } text) items[i] = blob.Append(items[i], text);
                texts[k] = null;
            }
            progress?.Report(new ImportProgress("reading", start + count, scan.Files.Count, bytes, (start + count) / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
        var manifest = Manifest(items);
        return new TextImportOutcome(manifest, blob.Path, scan.Root, scan.Layout switch
        {
            ImageFolderLayout.KerasSplits => "keras-splits",
            ImageFolderLayout.Manifest => "manifest",
            _ => "class-folders",
        }, scan.Skipped);
    }

    private (TextItem Item, string? Text) ReadFile(ScannedText file)
    {
        IReadOnlyList<string> labels = file.Label is null ? [] : [file.Label];
        long length = new FileInfo(file.FullPath).Length;
        if (length > Options.MaxFileBytes)
        {
            // Too big to read for a hash: its identity is its size and modification time, enough to notice a change.
            var stamp = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"unread:{length}:{File.GetLastWriteTimeUtc(file.FullPath):O}")));
            return (new TextItem(file.Path, stamp, length, labels, file.Split, file.Group, Problem: new TextProblem(TextProblemKind.TooLarge,
                $"{file.Path} is {length:N0} bytes, more than the {Options.MaxFileBytes:N0} allowed for one text file (--max-file-bytes); it was not read.")), null);
        }
        var raw = File.ReadAllBytes(file.FullPath);
        var item = new TextItem(file.Path, Convert.ToHexStringLower(SHA256.HashData(raw)), raw.Length, labels, file.Split, file.Group);
        var (text, problem) = Decode(raw, file.Path);
        return problem is not null ? (item with { Problem = problem }, null) : Finish(item, text!);
    }

    /// <summary>Raw bytes to text: an e-mail (by --format, or sniffed) through the MIME reader, anything else as strict UTF-8.</summary>
    internal (string? Text, TextProblem? Problem) Decode(byte[] raw, string path)
    {
        bool email = Options.FileFormat == TextFileFormat.Email || (Options.FileFormat == TextFileFormat.Auto && MimeText.LooksLikeEmail(raw));
        if (email)
        {
            try
            {
                return (MimeText.Extract(raw, Options.KeepEmailHeaders, Options.KeepHtml, Options.ReplaceInvalid), null);
            }
            catch (DecoderFallbackException e)
            {
                return (null, new TextProblem(TextProblemKind.InvalidUtf8, $"{path}: {e.Message}; pass --invalid replace to store U+FFFD instead."));
            }
            catch (InvalidDataException e)
            {
                return (null, new TextProblem(TextProblemKind.Unreadable, $"{path}: {e.Message}."));
            }
        }
        var text = TextDecoding.DecodeUtf8(raw, Options.ReplaceInvalid, out var error);
        return text is null
            ? (null, new TextProblem(TextProblemKind.InvalidUtf8, $"{path} is {error}; convert it to UTF-8, or pass --invalid replace to store U+FFFD instead."))
            : (text, null);
    }

    private (TextItem, string?) Finish(TextItem item, string text)
    {
        if (Options.Normalization is { } form) text = TextDecoding.Normalize(text, form);
        if (text.Length > Options.MaxChars)
            return (item with { Problem = new TextProblem(TextProblemKind.TooLarge, $"{item.Path} has {text.Length:N0} characters, more than the {Options.MaxChars:N0} allowed for one text (--max-chars).") }, null);
        return (item, text);
    }

    private TextImportOutcome Table(string path, BlobWriter blob, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        string name = Path.GetFileName(path);
        var items = new List<TextItem>();
        var clock = Stopwatch.StartNew();
        foreach (var row in TextTableReader.Read(path, Options, ct))
        {
            var item = new TextItem($"{name}#{row.Row}", TextTableReader.RowHash(row.Text, row.Labels, row.Split, row.Group), Encoding.UTF8.GetByteCount(row.Text ?? ""),
                row.Labels, NormalizeSplit(row.Split, name, row.Row), row.Group);
            if (row.Refusal is not null) { items.Add(item with { Problem = new TextProblem(TextProblemKind.TooLarge, row.Refusal) }); continue; }
            var (done, text) = Finish(item, row.Text!);
            items.Add(text is null ? done : blob.Append(done, text));
            if (items.Count % 4096 == 0) progress?.Report(new ImportProgress("reading", items.Count, 0, blob.Length, items.Count / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
        if (items.Count == 0) throw new TextImportException($"{name} has no rows; nothing was imported.");
        return new TextImportOutcome(Manifest([.. items]), blob.Path, path, "table", []);
    }

    private TextManifest Manifest(TextItem[] items)
    {
        var classes = items.SelectMany(i => i.Labels).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        bool multi = (Options.LabelColumns?.Count ?? 0) >= 2 || items.Any(i => i.Labels.Count > 1);
        return new TextManifest(items, classes, multi, Options.Recipe(), "");
    }

    private static string? NormalizeSplit(string? split, string name, int row) => split?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "train" or "training" => ImageSplits.Train,
        "validation" or "val" or "valid" or "dev" => ImageSplits.Validation,
        "test" or "testing" => ImageSplits.Test,
        var other => throw new TextImportException($"{name} row {row}: split '{other}' is not train, validation or test; nothing was imported."),
    };

    /// <summary>Appends texts to the blob file in order and stops at the total limit.</summary>
    private sealed class BlobWriter(string path, long max) : IDisposable
    {
        private readonly FileStream _stream = new(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);

        public string Path { get; } = path;

        public long Length => _stream.Length;

        public TextItem Append(TextItem item, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            if (_stream.Length + bytes.Length > max)
                throw new TextImportException($"The texts exceed {max:N0} bytes in all (at {item.Path}); nothing was imported. Import the data in parts.");
            var placed = item with { Offset = _stream.Length, Bytes = bytes.Length, Chars = text.Length };
            _stream.Write(bytes);
            return placed;
        }

        public void Dispose() => _stream.Dispose();
    }
}
