using System.Text.Json;
using Lepton.Data.Images.Datasets;

namespace Lepton.Data.Images.Import;

public static partial class ImageFolderScanner
{
    // A manifest names files by paths from a user's file: every path is checked before any file is touched, and one
    // absolute path or one path escaping the root refuses the whole import (a partial data set would hide the attack).
    internal static ImageScan ScanManifest(string manifest, ImageScanOptions options, CancellationToken ct)
    {
        string root = System.IO.Path.GetDirectoryName(manifest)!;
        string name = System.IO.Path.GetFileName(manifest);
        bool csv = manifest.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        var rows = new List<(int Line, string Path, string? Label, string? Split, string? Group)>();
        int line = 0;
        int[]? columns = null;
        foreach (var text in File.ReadLines(manifest))
        {
            ct.ThrowIfCancellationRequested();
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (rows.Count >= options.MaxFiles)
                throw new ImageImportException($"{name} lists more than {options.MaxFiles:N0} files; nothing was imported. Raise --max-files if the manifest really is that large.");
            if (csv)
            {
                var fields = CsvFields(text, name, line);
                if (columns is null)
                {
                    columns = Header(fields, name);
                    continue;
                }
                string? Field(int i) => columns[i] >= 0 && columns[i] < fields.Count && fields[columns[i]].Length > 0 ? fields[columns[i]] : null;
                rows.Add((line, Field(0) ?? "", Field(1), Field(2), Field(3)));
            }
            else
            {
                JsonElement e;
                try { e = JsonDocument.Parse(text).RootElement; }
                catch (JsonException ex) { throw new ImageImportException($"{name} line {line} is not JSON ({ex.Message}); each line is {{\"path\": ..., \"label\": ...}}."); }
                if (e.ValueKind != JsonValueKind.Object) throw new ImageImportException($"{name} line {line} is not a JSON object; each line is {{\"path\": ..., \"label\": ...}}.");
                string? Str(string key) => e.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;
                rows.Add((line, Str("path") ?? "", Str("label") is { Length: > 0 } l ? l : null, Str("split"), Str("group") ?? Str("speaker")));
            }
        }
        var files = new List<ScannedImage>();
        var skipped = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (at, path, label, split, group) in rows)
        {
            var relative = CheckPath(root, name, at, path);
            var full = System.IO.Path.Combine(root, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));
            if (!seen.Add(relative)) throw new ImageImportException($"{name} line {at}: {path} is listed twice; list each file once.");
            var info = new FileInfo(full);
            if (!info.Exists) throw new ImageImportException($"{name} line {at}: {path} does not exist under {root}.");
            if (LinkOutside(root, info) is { } escape)
            {
                skipped.Add($"{relative}: skipped, it leads through a link to {escape}, outside the imported folder (not followed)");
                continue;
            }
            files.Add(new ScannedImage(full, relative, label, NormalizeSplit(split, name, at), group));
        }
        if (files.Count == 0) throw new ImageImportException($"{name} lists no files to import; each line is path,label[,split][,group].");
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new ImageScan(root, ImageFolderLayout.Manifest, files, skipped);
    }

    // A manifest path may pass through folders: the file or any folder between it and the root may be a link out.
    private static string? LinkOutside(string root, FileInfo file)
    {
        for (FileSystemInfo? at = file; at is not null && at.FullName.Length > root.Length; at = at is FileInfo f ? f.Directory : ((DirectoryInfo)at).Parent)
        {
            if (at.LinkTarget is null) continue;
            FileSystemInfo? target;
            try { target = at.ResolveLinkTarget(returnFinalTarget: true); }
            catch (IOException) { target = null; }
            if (target is null || !target.Exists) return "nothing";
            if (!Inside(root, target.FullName)) return target.FullName;
        }
        return null;
    }

    private static string CheckPath(string root, string name, int line, string path)
    {
        if (path.Length == 0) throw new ImageImportException($"{name} line {line} has no path; each line is path,label[,split][,group].");
        if (System.IO.Path.IsPathRooted(path) || path.StartsWith('/') || path.StartsWith('\\') || (path.Length > 1 && path[1] == ':'))
            throw new ImageImportException($"{name} line {line}: '{Shown(path)}' is an absolute path; nothing was imported. Paths in a manifest are relative to its folder.");
        if (path.Any(char.IsControl)) throw new ImageImportException($"{name} line {line}: the path holds control characters; nothing was imported.");
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, path.Replace('\\', '/')));
        if (!Inside(root, full))
            throw new ImageImportException($"{name} line {line}: '{Shown(path)}' leads outside {root}; nothing was imported. Paths in a manifest stay inside its folder.");
        return System.IO.Path.GetRelativePath(root, full).Replace('\\', '/');
    }

    private static string Shown(string path) => path.Length > 120 ? path[..120] + "..." : path;

    private static string? NormalizeSplit(string? split, string name, int line) => split?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "train" or "training" => ImageSplits.Train,
        "validation" or "val" or "valid" => ImageSplits.Validation,
        "test" or "testing" => ImageSplits.Test,
        var other => throw new ImageImportException($"{name} line {line}: split '{other}' is not train, validation or test."),
    };

    private static int[] Header(List<string> fields, string name)
    {
        var names = fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        // "speaker" is the group column's name in audio manifests.
        int group = names.IndexOf("group") is >= 0 and var g ? g : names.IndexOf("speaker");
        int[] columns = [names.IndexOf("path"), names.IndexOf("label"), names.IndexOf("split"), group];
        if (columns[0] < 0) throw new ImageImportException($"{name} has no 'path' column in its header; the first line names the columns path,label[,split][,group].");
        return columns;
    }

    // RFC 4180 fields of one line: quoted fields may hold commas and doubled quotes (no line breaks inside a field).
    private static List<string> CsvFields(string line, string name, int number)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        if (quoted) throw new ImageImportException($"{name} line {number} has an unclosed quote.");
        fields.Add(field.ToString().TrimEnd('\r'));
        return fields;
    }
}
