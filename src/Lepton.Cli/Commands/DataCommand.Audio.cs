using System.CommandLine;
using System.Text.Json;
using Lepton.Cli.Rendering;
using Lepton.Data.Audio;
using Lepton.Data.Audio.Import;
using Lepton.Data.Audio.Inspection;
using Lepton.Data.Images.Splits;
using Lepton.Registry;
using Lepton.Registry.Datasets.Audio;
using Lepton.Registry.Store;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary>The options of <c>lepton data import</c> that only audio imports read.</summary>
internal sealed class AudioImportCliOptions
{
    public Option<int> Rate { get; } = new("--rate") { Description = "Audio: the sample rate every clip is resampled to and stored at (Hz).", DefaultValueFactory = _ => 16000 };
    public Option<double> MaxSeconds { get; } = new("--max-seconds") { Description = "Audio: a WAV whose header declares a longer clip is not read (a problem).", DefaultValueFactory = _ => 600 };

    public void AddTo(Command cmd)
    {
        cmd.Options.Add(Rate);
        cmd.Options.Add(MaxSeconds);
    }

    /// <summary>True when this import is audio: --kind audio, or --kind auto and the path holds WAV files (by extension or RIFF/WAVE magic).</summary>
    public static bool IsAudio(string kind, string path) => kind.Trim().ToLowerInvariant() switch
    {
        "audio" => true,
        "auto" => AudioKindSniffer.IsAudio(path),
        _ => false,
    };

    public AudioImportOptions Read(ParseResult p, int maxFiles) => new(p.GetValue(Rate), maxFiles, MaxSeconds: p.GetValue(MaxSeconds));
}

public static partial class DataCommand
{
    private static async Task<int> ImportAudioAsync(AudioImportOptions options, string path, string name, string? storeOption, bool asJson, CancellationToken ct)
    {
        await using var registry = await ModelRegistry.OpenAsync(storeOption, ct);
        AudioImportResult result;
        using (var progress = new ImportProgressView(quiet: asJson))
            result = await AudioDatasets.ImportAsync(registry.Store, registry.Artifacts, path, name, options, progress, RegistryOptions.Actor, ct);
        var m = result.Manifest;
        var v = result.Version;
        if (asJson)
        {
            JsonOut.Write(new
            {
                name = v.Name, version = v.Version, existing = result.Existing, parent_version = v.ParentVersion, content_hash = v.ContentHash,
                kind = "audio", sample_rate = m.SampleRate, items = m.Items.Count, readable = m.Items.Count(i => i.IsReadable), classes = m.Classes,
                speakers = m.Items.Select(i => i.Group).OfType<string>().Distinct().Count(),
                counts = AudioCounts(m),
                problems = m.Items.Where(i => i.Problem is not null).Select(i => new { path = i.Path, message = i.Problem }),
                skipped = result.Skipped,
                seconds = Math.Round(result.Elapsed.TotalSeconds, 2),
                statistics = JsonDocument.Parse(v.StatisticsJson).RootElement,
            });
            return 0;
        }
        var c = AnsiConsole.Console;
        c.MarkupLine(result.Existing
            ? $"[bold]{Markup.Escape(v.Name)}@{v.Version}[/] already holds exactly these clips (content {v.ContentHash[..12]}); nothing new recorded."
            : $"recorded [bold]{Markup.Escape(v.Name)}@{v.Version}[/] audio data set at {m.SampleRate} Hz (content {v.ContentHash[..12]}, parent {v.ParentVersion?.ToString() ?? "-"}) in {result.Elapsed.TotalSeconds:N1} s");
        WriteAudioCounts(m);
        var problems = m.Items.Where(i => i.Problem is not null).ToList();
        c.MarkupLine(problems.Count == 0 ? $"{m.Items.Count:N0} clips, all readable" : $"{m.Items.Count:N0} clips, [yellow]{problems.Count:N0} unreadable[/] (kept in the version, without samples):");
        if (problems.Count > 0)
        {
            var t = new Table().Border(TableBorder.Rounded).AddColumns("clip", "problem");
            foreach (var i in problems.Take(50)) t.AddRow(Markup.Escape(i.Path), Markup.Escape(i.Problem!));
            c.Write(t);
        }
        foreach (var s in result.Skipped.Take(20)) c.MarkupLine($"[grey]{Markup.Escape(s)}[/]");
        if (result.Skipped.Count > 20) c.MarkupLine($"[grey]... and {result.Skipped.Count - 20} more skipped[/]");
        return 0;
    }

    private static Dictionary<string, Dictionary<string, int>> AudioCounts(AudioManifest m) =>
        m.Items.GroupBy(i => i.Split ?? "none").OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.GroupBy(i => i.Label ?? "(unlabelled)").OrderBy(x => x.Key, StringComparer.Ordinal).ToDictionary(x => x.Key, x => x.Count()));

    private static void WriteAudioCounts(AudioManifest m)
    {
        var counts = AudioCounts(m);
        var t = new Table().Border(TableBorder.Rounded).AddColumn("command");
        foreach (var s in counts.Keys) t.AddColumn(new TableColumn(s).RightAligned());
        foreach (var label in counts.Values.SelectMany(x => x.Keys).Distinct().Order(StringComparer.Ordinal))
            t.AddRow([Markup.Escape(label), .. counts.Keys.Select(s => $"{counts[s].GetValueOrDefault(label):N0}")]);
        AnsiConsole.Console.Write(t);
    }

    private static void WriteAudioSummary(DatasetVersion v)
    {
        var c = AnsiConsole.Console;
        WriteVersionHeader(v, "audio");
        using var summary = JsonDocument.Parse(v.ManifestJson);
        using var stats = JsonDocument.Parse(v.StatisticsJson);
        var r = summary.RootElement;
        c.MarkupLine($"{r.GetProperty("items").GetInt32():N0} clips, {r.GetProperty("readable").GetInt32():N0} readable, {r.GetProperty("problems").GetInt32():N0} unreadable, {r.GetProperty("speakers").GetInt32():N0} speakers; {r.GetProperty("sample_rate").GetInt32()} Hz; source {Markup.Escape(r.GetProperty("source").GetString() ?? "")} ({r.GetProperty("layout").GetString()})");
        WriteCountsAndLengths(r, stats.RootElement, "command", "clips", "seconds", "seconds");
    }

    private static async Task<int> InspectAudioAsync(ModelRegistry registry, DatasetVersion version, bool asJson, CancellationToken ct)
    {
        var corpus = await AudioDatasets.LoadAsync(registry.Artifacts, version, ct);
        var report = AudioDatasetInspector.Inspect(corpus, new AudioInspectionOptions(), $"{version.Name}@{version.Version}", ct);
        if (asJson) { Console.WriteLine(report.ToJson()); return 0; }
        WriteFindings(report.Dataset, report.Items, "clips", report.Findings, report.CountsByKind, "see --json");
        return 0;
    }

    private static async Task<int> CleanAudioAsync(ModelRegistry registry, DatasetVersion parent, string drop, bool asJson, CancellationToken ct)
    {
        var kinds = AudioInspectionKinds.Parse(drop);
        if (drop.Split(',').Any(k => k.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))) kinds = kinds.Where(k => k != AudioInspectionKinds.SpeakerLeakage).ToHashSet();
        var corpus = await AudioDatasets.LoadAsync(registry.Artifacts, parent, ct);
        var report = AudioDatasetInspector.Inspect(corpus, new AudioInspectionOptions(), $"{parent.Name}@{parent.Version}", ct);
        var result = AudioDatasetCleaner.Clean(corpus.Manifest, report, kinds);
        var note = $"clean of {parent.Name}@{parent.Version}: dropped {result.Dropped.Count} ({string.Join(",", kinds.Order(StringComparer.Ordinal))})";
        var version = await AudioDatasets.RecordDerivedAsync(registry.Store, registry.Artifacts, parent.Name, parent.Version, result.Manifest, note, RegistryOptions.Actor, ct);
        if (asJson)
        {
            JsonOut.Write(new
            {
                name = version.Name, version = version.Version, parent_version = parent.Version, content_hash = version.ContentHash,
                items = result.Manifest.Items.Count, dropped = result.Dropped.Select(d => new { path = d.Path, kind = d.Kind, reason = d.Reason }),
            });
            return 0;
        }
        var c = AnsiConsole.Console;
        c.MarkupLine($"recorded [bold]{Markup.Escape(version.Name)}@{version.Version}[/] (parent {parent.Version}): {result.Manifest.Items.Count:N0} clips, {result.Dropped.Count:N0} dropped");
        if (result.Dropped.Count == 0) return 0;
        var t = new Table().Border(TableBorder.Rounded).AddColumns("dropped", "kind", "why");
        foreach (var d in result.Dropped.Take(100)) t.AddRow(Markup.Escape(d.Path), d.Kind, Markup.Escape(d.Reason));
        c.Write(t);
        return 0;
    }

    private static async Task<int> SplitAudioAsync(ModelRegistry registry, DatasetVersion parent, SplitOptions options, string? groupColumn, bool asJson, CancellationToken ct)
    {
        if (groupColumn is not (null or "speaker" or "group"))
            throw new ArgumentException($"--group-column '{groupColumn}': an audio data set keeps one group column, the speaker (manifest column speaker or group); use --group-column speaker.");
        var manifest = await AudioDatasets.ReadManifestAsync(registry.Artifacts, parent, ct);
        if (options.Grouped && manifest.Items.All(i => i.Group is null))
            throw new ArgumentException($"{parent.Name}@{parent.Version} has no speakers; import a manifest with a speaker column (or Speech Commands names SPEAKER_nohash_N.wav) to split by speaker.");
        var result = AudioSplitter.Split(manifest, options);
        var note = $"split of {parent.Name}@{parent.Version}: test {options.Test}, validation {options.Validation}" +
                   $"{(options.Stratify ? ", stratified" : "")}{(options.Grouped ? ", by speaker" : "")}{(options.Folds >= 2 ? $", {options.Folds} folds" : "")}, seed {options.Seed}";
        var version = await AudioDatasets.RecordDerivedAsync(registry.Store, registry.Artifacts, parent.Name, parent.Version, result.Manifest, note, RegistryOptions.Actor, ct);
        if (asJson)
        {
            JsonOut.Write(new
            {
                name = version.Name, version = version.Version, parent_version = parent.Version, content_hash = version.ContentHash,
                counts = result.Counts.GroupBy(x => x.Split).ToDictionary(g => g.Key, g => g.ToDictionary(x => x.Class ?? "(unlabelled)", x => x.Count)),
            });
            return 0;
        }
        AnsiConsole.Console.MarkupLine($"recorded [bold]{Markup.Escape(version.Name)}@{version.Version}[/] (parent {parent.Version}): {Markup.Escape(note)}");
        WriteAudioCounts(result.Manifest);
        return 0;
    }
}
