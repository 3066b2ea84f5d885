namespace Lepton.Data.Audio.Import;

/// <summary>
/// Tells an audio import from the others when the user did not say (<c>--kind auto</c>): a folder is audio when at least
/// half of up to 64 sampled files (in path order, spread over the folder) are WAV by extension or RIFF/WAVE magic bytes; a
/// .csv/.jsonl manifest is audio when at least half of its first 20 rows name a .wav file. Reads at most 12 bytes of each
/// sampled file and 20 lines of a manifest.
/// </summary>
public static class AudioKindSniffer
{
    public const int SampleFiles = 64;

    public static bool IsAudio(string path, CancellationToken ct = default)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            if (!(full.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || full.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))) return false;
            try
            {
                var rows = File.ReadLines(full).Skip(full.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? 1 : 0).Where(l => l.Length > 0).Take(20).ToList();
                return rows.Count > 0 && rows.Count(r => r.Contains(".wav", StringComparison.OrdinalIgnoreCase)) * 2 >= rows.Count;
            }
            catch (IOException) { return false; }
        }
        if (!Directory.Exists(full)) return false;
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
        catch (IOException) { return false; }
        if (files.Count == 0) return false;
        files.Sort(StringComparer.Ordinal);
        int step = Math.Max(1, files.Count / SampleFiles);
        int sampled = 0, wav = 0;
        for (int i = 0; i < files.Count && sampled < SampleFiles; i += step, sampled++)
            if (Path.GetExtension(files[i]).Equals(".wav", StringComparison.OrdinalIgnoreCase) || AudioFolderScanner.HasWavMagic(files[i])) wav++;
        return wav * 2 >= sampled;
    }
}
