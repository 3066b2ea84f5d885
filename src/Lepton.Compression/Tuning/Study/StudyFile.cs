using System.Text.Json;

namespace Lepton.Compression.Tuning.Study;

/// <summary>
/// Reads and writes <c>study.json</c>. Writes go to a temporary file that is flushed to disk and renamed over the old one, so
/// a crash (even <c>kill -9</c>) leaves the previous or the new state, never half of one.
/// </summary>
public static class StudyFile
{
    public const string FileName = "study.json";

    // A study of thousands of trials is well under this; a larger file is not ours.
    private const long MaxBytes = 64L << 20;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static void Save(string path, StudyState state)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(fs, state, Json);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    public static StudyState? TryLoad(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return null;
        if (info.Length > MaxBytes) throw new InvalidDataException($"{path} is {info.Length} bytes; a study file is at most {MaxBytes} bytes. Start a new study with another --study name.");
        StudyState? state;
        try
        {
            state = JsonSerializer.Deserialize<StudyState>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a study file ({ex.Message}); move it away or tune with another --study name.", ex);
        }
        if (state is null || state.Format != StudyState.CurrentFormat)
            throw new InvalidDataException($"{path} has study format {state?.Format.ToString() ?? "none"}, this Lepton reads {StudyState.CurrentFormat}; tune with another --study name.");
        return state;
    }
}
