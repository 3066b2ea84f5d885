namespace Lepton.Bench;

/// <summary>
/// The process's peak resident memory (VmHWM in /proc/self/status), and a reset of it (writing 5 to /proc/self/clear_refs),
/// so a benchmark can report the peak of its timed work apart from the peak of loading data. Linux only; 0 elsewhere.
/// </summary>
public static class PeakMemory
{
    /// <summary>VmHWM in MiB, or 0 where /proc is not available.</summary>
    public static double PeakMiB()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return 0;
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
            return long.Parse(kb) / 1024.0;
        }
        return 0;
    }

    /// <summary>Sets the peak back to the current resident size; false where the kernel does not allow it.</summary>
    public static bool Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
