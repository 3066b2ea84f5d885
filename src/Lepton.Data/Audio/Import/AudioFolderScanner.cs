using Lepton.Data.Audio.Wav;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Import;

namespace Lepton.Data.Audio.Import;

/// <summary>One WAV file an import will read: where it is, its path relative to the root ('/' separators), label, split and speaker.</summary>
public sealed record ScannedAudio(string FullPath, string Path, string? Label, string? Split = null, string? Group = null);

/// <summary>What an audio scan found: files in path order, the layout, and the entries skipped with the reason for each.</summary>
public sealed record AudioScan(string Root, ImageFolderLayout Layout, IReadOnlyList<ScannedAudio> Files, IReadOnlyList<string> Skipped);

/// <summary>
/// Finds the WAV files of a folder (<c>root/&lt;command&gt;/*.wav</c> at any depth below the command folder, or
/// <c>root/train|validation|test/&lt;command&gt;/</c>) or of a CSV/JSONL manifest (<c>path,label[,split][,speaker]</c>), with
/// the image scanner's rules: links never followed out of the root, a manifest path outside the root refuses the whole
/// import, a file limit. In folders, a name like Speech Commands' <c>SPEAKER_nohash_N.wav</c> gives the speaker.
/// Files that are not WAV (by extension, or for a name without one by the RIFF/WAVE magic) are skipped with a reason.
/// </summary>
public static class AudioFolderScanner
{
    public static AudioScan Scan(string path, int maxFiles, CancellationToken ct = default)
    {
        if (maxFiles < 1) throw new ArgumentOutOfRangeException(nameof(maxFiles), $"maxFiles must be at least 1, got {maxFiles}.");
        var full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
        {
            if (!(full.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || full.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)))
                throw new AudioImportException($"{path} is a file; import a folder of WAV files (root/<command>/*.wav) or a .csv/.jsonl manifest of path,label[,split][,speaker].");
            ImageScan scan;
            try { scan = ImageFolderScanner.ScanManifest(full, new ImageScanOptions(maxFiles), ct); }
            catch (ImageImportException e) { throw new AudioImportException(e.Message); }
            return new AudioScan(scan.Root, scan.Layout, [.. scan.Files.Select(f => new ScannedAudio(f.FullPath, f.Path, f.Label, f.Split, f.Group))], scan.Skipped);
        }
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"{path} does not exist; give a folder of WAV files (root/<command>/*.wav) or a .csv/.jsonl manifest.");
        var root = full.TrimEnd(System.IO.Path.DirectorySeparatorChar);
        var skipped = new List<string>();
        var files = new List<ScannedAudio>();
        var counter = new ImageFolderScanner.Counter(maxFiles, root);
        var top = ImageFolderScanner.Entries(root, root, skipped, counter, ct);
        var dirs = top.Where(e => e.IsDirectory && !e.Name.StartsWith('.')).ToList();
        bool keras = dirs.Count > 0 && dirs.All(d => ImageSplits.All.Contains(d.Name));
        foreach (var loose in top.Where(e => !e.IsDirectory && IsWav(e.FullPath, e.Name, e.Relative, skipped)))
            skipped.Add($"{loose.Relative}: skipped, a file directly in the root has no command folder");
        foreach (var (split, folder) in keras
                     ? dirs.SelectMany(s => ImageFolderScanner.Entries(root, s.FullPath, skipped, counter, ct).Where(e => e.IsDirectory && !e.Name.StartsWith('.')).Select(c => ((string?)s.Name, c)))
                     : dirs.Select(c => ((string?)null, c)))
            Collect(root, folder.FullPath, folder.Name == ImageFolderScanner.UnlabeledFolder ? null : folder.Name, split, files, skipped, counter, ct);
        if (files.Count == 0)
            throw new AudioImportException(dirs.Count == 0
                ? $"{root} has no command folders: put WAV files in one folder per command (root/<command>/*.wav), use train/validation/test/<command>/, or give a .csv/.jsonl manifest of path,label[,speaker]."
                : $"{root} has no WAV files in its command folders.");
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new AudioScan(root, keras ? ImageFolderLayout.KerasSplits : ImageFolderLayout.ClassFolders, files, skipped);
    }

    /// <summary>The speaker in a Speech Commands file name (<c>0a7c2a8d_nohash_0.wav</c> gives 0a7c2a8d), else null.</summary>
    public static string? SpeakerFromName(string fileName)
    {
        int at = fileName.IndexOf("_nohash_", StringComparison.Ordinal);
        return at > 0 ? fileName[..at] : null;
    }

    private static void Collect(string root, string folder, string? label, string? split, List<ScannedAudio> files, List<string> skipped,
        ImageFolderScanner.Counter counter, CancellationToken ct)
    {
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            foreach (var e in ImageFolderScanner.Entries(root, pending.Pop(), skipped, counter, ct))
            {
                if (e.IsDirectory) { if (!e.Name.StartsWith('.')) pending.Push(e.FullPath); }
                else if (IsWav(e.FullPath, e.Name, e.Relative, skipped)) files.Add(new ScannedAudio(e.FullPath, e.Relative, label, split, SpeakerFromName(e.Name)));
            }
        }
    }

    private static bool IsWav(string full, string name, string relative, List<string> skipped)
    {
        if (name.StartsWith('.')) return false;
        string ext = System.IO.Path.GetExtension(name);
        if (ext.Equals(".wav", StringComparison.OrdinalIgnoreCase) || ext.Equals(".wave", StringComparison.OrdinalIgnoreCase)) return true;
        if (ext.Length == 0 && HasWavMagic(full)) return true;
        skipped.Add($"{relative}: skipped, {(ext.Length == 0 ? "no extension and no RIFF/WAVE header" : ext + " is not WAV")}; convert it, e.g. sox in{ext} -b 16 out.wav");
        return false;
    }

    /// <summary>True when the file starts with RIFF....WAVE (reads 12 bytes).</summary>
    public static bool HasWavMagic(string file)
    {
        Span<byte> head = stackalloc byte[12];
        try
        {
            using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            return WavReader.LooksLikeWav(head[..s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
