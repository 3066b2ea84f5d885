using Lepton.Data.Images.Import;

namespace Lepton.Data.Text.Import;

/// <summary>What a path to import holds.</summary>
public enum DataKind
{
    Image,
    Text,
}

/// <summary>
/// Tells a text import from an image import when the user did not say (<c>--kind</c>): a table is text when a text column
/// is named or its header has no <c>path</c> column; a folder is images when at least half of up to 64 sampled files (in
/// path order, spread over the folder) start with image magic bytes or have an image extension, else text. Reads at most
/// 16 bytes of each sampled file.
/// </summary>
public static class DataKindSniffer
{
    public const int SampleFiles = 64;

    public static DataKind Sniff(string path, string? textColumn, CancellationToken ct = default)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            if (textColumn is not null) return DataKind.Text;
            if (full.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || full.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
                return HasPathColumn(full) ? DataKind.Image : DataKind.Text;
            return DataKind.Image;
        }
        if (!Directory.Exists(full)) return DataKind.Image; // the image import's error names the missing folder
        var files = new List<string>();
        try
        {
            foreach (var f in Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden, MaxRecursionDepth = 4 }))
            {
                ct.ThrowIfCancellationRequested();
                if (!Path.GetFileName(f).StartsWith('.')) files.Add(f);
                if (files.Count >= SampleFiles * 16) break;
            }
        }
        catch (IOException) { return DataKind.Image; }
        if (files.Count == 0) return DataKind.Image;
        files.Sort(StringComparer.Ordinal);
        int step = Math.Max(1, files.Count / SampleFiles);
        int sampled = 0, images = 0;
        for (int i = 0; i < files.Count && sampled < SampleFiles; i += step, sampled++)
            if (ImageFolderScanner.ImageExtensions.Contains(Path.GetExtension(files[i])) || HasImageMagic(files[i])) images++;
        return images * 2 >= sampled ? DataKind.Image : DataKind.Text;
    }

    /// <summary>True when the first bytes are JPEG, PNG, GIF or WebP (BMP by its extension: "BM" starts ordinary words).</summary>
    public static bool HasImageMagic(string file)
    {
        Span<byte> head = stackalloc byte[16];
        int n;
        try
        {
            using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            n = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
        var h = head[..n];
        return h.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) || h.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])
            || h.StartsWith("GIF8"u8) || (h.Length >= 12 && h.StartsWith("RIFF"u8) && h[8..12].SequenceEqual("WEBP"u8));
    }

    private static bool HasPathColumn(string file)
    {
        using var reader = new StreamReader(file);
        var buffer = new char[4096];
        int n = reader.ReadBlock(buffer, 0, buffer.Length);
        var first = new string(buffer, 0, n).Split('\n')[0];
        if (file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)) return first.Contains("\"path\"", StringComparison.Ordinal);
        return first.Split(',').Any(c => c.Trim().Trim('"').Equals("path", StringComparison.OrdinalIgnoreCase));
    }
}
