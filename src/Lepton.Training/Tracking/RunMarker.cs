using System.Text.Json;

namespace Lepton.Training.Tracking;

/// <summary>
/// <c>run.json</c> in a training output folder: the id of the run writing into it, so <c>--resume</c> can close the record of
/// a run whose process was killed (it never got to end its own record) and name it in the resumed run's log.
/// </summary>
public static class RunMarker
{
    public const string FileName = "run.json";

    // A marker holds one id; anything larger is not one.
    private const int MaxBytes = 4096;

    public static void Write(string outDir, string runId)
    {
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, FileName), JsonSerializer.Serialize(new { run_id = runId }));
    }

    /// <summary>The run id recorded in <paramref name="outDir"/>; null when there is no readable marker.</summary>
    public static string? Read(string outDir)
    {
        string path = Path.Combine(outDir, FileName);
        try
        {
            if (new FileInfo(path) is not { Exists: true, Length: <= MaxBytes }) return null;
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.TryGetProperty("run_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
