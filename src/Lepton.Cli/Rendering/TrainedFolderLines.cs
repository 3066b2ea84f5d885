using System.Globalization;
using Lepton.Registry.Store;
using Spectre.Console;

namespace Lepton.Cli.Rendering;

/// <summary>The lines every modality's <c>lepton train</c> view ends with: its test metrics, where the model folder went, and a cancelled run.</summary>
internal static class TrainedFolderLines
{
    /// <summary>The test metrics as "name value, ...", or <paramref name="none"/> when there are none.</summary>
    public static string Metrics(IEnumerable<KeyValuePair<string, double>> metrics, string none)
    {
        var list = metrics.ToList();
        return list.Count == 0 ? none : string.Join(", ", list.Select(m => $"{m.Key} {Data.NumberText.Readable(m.Value)}"));
    }

    /// <summary>"model folder DIR (with FILE), run ID[, registered as NAME@V]".</summary>
    public static void Folder(string dir, string companion, string runId, ModelVersion? registered) =>
        AnsiConsole.Console.MarkupLine($"model folder {Markup.Escape(Path.GetFullPath(dir))} (with {Markup.Escape(companion)}), run {runId}" +
                                       (registered is { } r ? $", registered as [bold]{Markup.Escape(r.Model)}@{r.Version}[/]" : ""));

    /// <summary>Says a run stopped after <paramref name="epochs"/> epochs without a folder, and returns the cancelled exit code.</summary>
    public static int Cancelled(int epochs, string runId)
    {
        AnsiConsole.Console.MarkupLine($"cancelled after {epochs} epoch(s); no model folder written, run {runId}");
        return CommandRunner.ExitCancelled;
    }
}
