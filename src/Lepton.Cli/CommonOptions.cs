using System.CommandLine;
using Lepton.Engine.Threading;

namespace Lepton.Cli;

/// <summary>Options shared by several verbs.</summary>
public static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON instead of tables." };

    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = "Folder with the data set's files (default: $LEPTON_DATA/<name>, then /usr/share/datasets/<name>).",
    };

    public static Option<int?> Threads() => new("--threads") { Description = "CPU threads for the kernels (default: LEPTON_THREADS or all cores)." };

    public static void ApplyThreads(int? threads)
    {
        if (threads is int t) CpuParallel.ThreadCount = t >= 1 ? t : throw new ArgumentException($"--threads must be >= 1, got {t}.");
    }

    /// <summary>LEPTON_HOME (default ./.lepton): where models and state live.</summary>
    public static string Home => Environment.GetEnvironmentVariable("LEPTON_HOME") is { Length: > 0 } h ? h : Path.Combine(Environment.CurrentDirectory, ".lepton");
}
