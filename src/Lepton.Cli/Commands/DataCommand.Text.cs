using System.CommandLine;
using System.Text.Json;
using Lepton.Cli.Rendering;
using Lepton.Data.Images.Splits;
using Lepton.Data.Text;
using Lepton.Data.Text.Import;
using Lepton.Data.Text.Inspection;
using Lepton.Registry;
using Lepton.Registry.Datasets.Text;
using Lepton.Registry.Store;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary>The options of <c>lepton data import</c> that only text imports read.</summary>
internal sealed class TextImportCliOptions
{
    public Option<string> Kind { get; } = new("--kind") { Description = "What the path holds: auto (default: audio when most sampled files, or the manifest's first rows, are WAV; a folder is images when most sampled files are images; a CSV/JSONL is text with --text-column; a .csv/.tsv/.parquet without a 'path' column is a table), image, text, table or audio.", DefaultValueFactory = _ => "auto" };
    public Option<string?> TextColumn { get; } = new("--text-column") { Description = "Text: the CSV/JSONL column holding the text." };
    public Option<string[]> LabelColumns { get; } = new("--label-column") { Description = "Texts and tables: the label column(s); for texts several (repeat the option) give multi-label indicators, a table takes one.", AllowMultipleArgumentsPerToken = true };
    public Option<string> Normalize { get; } = new("--normalize") { Description = "Text: Unicode normalization, nfc (default) or nfkc.", DefaultValueFactory = _ => "nfc" };
    public Option<string> Format { get; } = new("--format") { Description = "Text: how files are read: auto (default: e-mails are sniffed), text or email.", DefaultValueFactory = _ => "auto" };
    public Option<string> EmailHeaders { get; } = new("--email-headers") { Description = "Text: keep or strip (default) the headers of e-mails.", DefaultValueFactory = _ => "strip" };
    public Option<string> Html { get; } = new("--html") { Description = "Text: keep or strip (default) HTML markup in e-mail bodies.", DefaultValueFactory = _ => "strip" };
    public Option<string> Invalid { get; } = new("--invalid") { Description = "Text: bytes that are not UTF-8 are reported as a problem (report, default) or replaced by U+FFFD (replace).", DefaultValueFactory = _ => "report" };
    public Option<long> MaxFileBytes { get; } = new("--max-file-bytes") { Description = "Text: a file larger than this is not read (a problem).", DefaultValueFactory = _ => TextImportOptions.DefaultMaxFileBytes };
    public Option<int> MaxChars { get; } = new("--max-chars") { Description = "Text: a text longer than this (characters, after decoding) is not stored (a problem).", DefaultValueFactory = _ => TextImportOptions.DefaultMaxChars };

    public void AddTo(Command cmd)
    {
        foreach (var o in new Option[] { Kind, TextColumn, LabelColumns, Normalize, Format, EmailHeaders, Html, Invalid, MaxFileBytes, MaxChars }) cmd.Options.Add(o);
    }

    /// <summary>--kind, checked: auto, image, text or table.</summary>
    public string KindName(ParseResult p) => p.GetValue(Kind)!.Trim().ToLowerInvariant() switch
    {
        "images" or "image" => "image",
        "tables" or "table" => "table",
        "texts" or "text" => "text",
        "audio" => "audio",
        "auto" => "auto",
        var other => throw new ArgumentException($"--kind '{other}' is not auto, image, text, table or audio."),
    };

    /// <summary>True when this import is a text import (said by --kind, or sniffed from the path).</summary>
    public bool IsText(ParseResult p, string path) => KindName(p) switch
    {
        "text" => true,
        "auto" => DataKindSniffer.Sniff(path, p.GetValue(TextColumn)) == DataKind.Text,
        _ => false,
    };

    public bool LabelGiven(ParseResult p) => p.GetValue(LabelColumns) is { Length: > 0 };

    /// <summary>The one label column of a table import (null when none was given).</summary>
    public string? SingleLabel(ParseResult p) => p.GetValue(LabelColumns) switch
    {
        null or [] => null,
        [var one] => one,
        var many => throw new ArgumentException($"A table has one label column; got --label-column {string.Join(", ", many)}. Give one."),
    };

    public TextImportOptions Read(ParseResult p, int maxFiles) => new(
        TextImportOptions.ParseNormalization(p.GetValue(Normalize)!),
        p.GetValue(Invalid)!.Trim().ToLowerInvariant() switch
        {
            "report" => false,
            "replace" => true,
            var other => throw new ArgumentException($"--invalid '{other}' is not report or replace."),
        },
        TextImportOptions.ParseFormat(p.GetValue(Format)!),
        TextImportOptions.ParseKeep(p.GetValue(EmailHeaders)!, "--email-headers"),
        TextImportOptions.ParseKeep(p.GetValue(Html)!, "--html"),
        p.GetValue(TextColumn),
        p.GetValue(LabelColumns) is { Length: > 0 } labels ? labels : null,
        maxFiles,
        p.GetValue(MaxFileBytes),
        p.GetValue(MaxChars));
}

public static partial class DataCommand
{
    private static async Task<int> ImportTextAsync(ParseResult p, TextImportCliOptions text, string path, string name, int maxFiles, string? storeOption, bool asJson, CancellationToken ct)
    {
        var options = text.Read(p, maxFiles);
        await using var registry = await ModelRegistry.OpenAsync(storeOption, ct);
        TextImportResult result;
        using (var progress = new ImportProgressView(quiet: asJson))
            result = await TextDatasets.ImportAsync(registry.Store, registry.Artifacts, path, name, options, progress, RegistryOptions.Actor, ct);
        var m = result.Manifest;
        var v = result.Version;
        if (asJson)
        {
            JsonOut.Write(new
            {
                name = v.Name, version = v.Version, existing = result.Existing, parent_version = v.ParentVersion, content_hash = v.ContentHash,
                kind = "text", items = m.Items.Count, readable = m.Items.Count(i => i.IsReadable), multi_label = m.MultiLabel, classes = m.Classes,
                counts = TextCounts(m),
                problems = m.Items.Where(i => i.Problem is not null).Select(i => new { path = i.Path, kind = i.Problem!.Kind.ToString(), message = i.Problem.Message }),
                skipped = result.Skipped,
                seconds = Math.Round(result.Elapsed.TotalSeconds, 2),
                statistics = JsonDocument.Parse(v.StatisticsJson).RootElement,
            });
            return 0;
        }
        var c = AnsiConsole.Console;
        c.MarkupLine(result.Existing
            ? $"[bold]{Markup.Escape(v.Name)}@{v.Version}[/] already holds exactly these texts (content {v.ContentHash[..12]}); nothing new recorded."
            : $"recorded [bold]{Markup.Escape(v.Name)}@{v.Version}[/] text data set (content {v.ContentHash[..12]}, parent {v.ParentVersion?.ToString() ?? "-"}) in {result.Elapsed.TotalSeconds:N1} s");
        WriteTextCounts(m);
        var problems = m.Items.Where(i => i.Problem is not null).ToList();
        c.MarkupLine(problems.Count == 0 ? $"{m.Items.Count:N0} texts, all readable" : $"{m.Items.Count:N0} texts, [yellow]{problems.Count:N0} with problems[/] (kept in the version, without text):");
        if (problems.Count > 0)
        {
            var t = new Table().Border(TableBorder.Rounded).AddColumns("text", "problem", "detail");
            foreach (var i in problems.Take(50)) t.AddRow(Markup.Escape(i.Path), i.Problem!.Kind.ToString(), Markup.Escape(i.Problem.Message));
            c.Write(t);
        }
        foreach (var s in result.Skipped.Take(20)) c.MarkupLine($"[grey]{Markup.Escape(s)}[/]");
        if (result.Skipped.Count > 20) c.MarkupLine($"[grey]... and {result.Skipped.Count - 20} more skipped[/]");
        return 0;
    }

    private static Dictionary<string, Dictionary<string, int>> TextCounts(TextManifest m) =>
        m.Items.GroupBy(i => i.Split ?? "none").OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(i => i.Labels.Count == 0 ? ["(unlabelled)"] : i.Labels).GroupBy(l => l).OrderBy(x => x.Key, StringComparer.Ordinal).ToDictionary(x => x.Key, x => x.Count()));

    private static void WriteTextCounts(TextManifest m)
    {
        var counts = TextCounts(m);
        var t = new Table().Border(TableBorder.Rounded).AddColumn("class");
        foreach (var s in counts.Keys) t.AddColumn(new TableColumn(s).RightAligned());
        foreach (var label in counts.Values.SelectMany(x => x.Keys).Distinct().Order(StringComparer.Ordinal))
            t.AddRow([Markup.Escape(label), .. counts.Keys.Select(s => $"{counts[s].GetValueOrDefault(label):N0}")]);
        AnsiConsole.Console.Write(t);
    }

    private static void WriteTextSummary(DatasetVersion v)
    {
        var c = AnsiConsole.Console;
        WriteVersionHeader(v, "text");
        using var summary = JsonDocument.Parse(v.ManifestJson);
        using var stats = JsonDocument.Parse(v.StatisticsJson);
        var r = summary.RootElement;
        c.MarkupLine($"{r.GetProperty("items").GetInt32():N0} texts, {r.GetProperty("readable").GetInt32():N0} readable, {r.GetProperty("problems").GetInt32():N0} with problems; {(r.GetProperty("multi_label").GetBoolean() ? "multi-label" : "single-label")}; source {Markup.Escape(r.GetProperty("source").GetString() ?? "")} ({r.GetProperty("layout").GetString()})");
        c.MarkupLine($"recipe {Markup.Escape(r.GetProperty("recipe").GetString() ?? "")}");
        WriteCountsAndLengths(r, stats.RootElement, "class", "texts", "characters", "chars");
    }

    private static async Task<int> InspectTextAsync(ModelRegistry registry, DatasetVersion version, bool asJson, CancellationToken ct)
    {
        var corpus = await TextDatasets.LoadAsync(registry.Artifacts, version, ct);
        var report = TextDatasetInspector.Inspect(corpus, new TextInspectionOptions(), $"{version.Name}@{version.Version}", ct);
        if (asJson) { Console.WriteLine(report.ToJson()); return 0; }
        WriteFindings(report.Dataset, report.Items, "texts", report.Findings, report.CountsByKind, "see --json");
        return 0;
    }

    private static async Task<int> CleanTextAsync(ModelRegistry registry, DatasetVersion parent, string drop, bool asJson, CancellationToken ct)
    {
        var kinds = TextInspectionKinds.Parse(drop);
        var corpus = await TextDatasets.LoadAsync(registry.Artifacts, parent, ct);
        var report = TextDatasetInspector.Inspect(corpus, new TextInspectionOptions(), $"{parent.Name}@{parent.Version}", ct);
        var result = TextDatasetCleaner.Clean(corpus.Manifest, report, kinds);
        var note = $"clean of {parent.Name}@{parent.Version}: dropped {result.Dropped.Count} ({string.Join(",", kinds.Order(StringComparer.Ordinal))})";
        var version = await TextDatasets.RecordDerivedAsync(registry.Store, registry.Artifacts, parent.Name, parent.Version, result.Manifest, note, RegistryOptions.Actor, ct);
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
        c.MarkupLine($"recorded [bold]{Markup.Escape(version.Name)}@{version.Version}[/] (parent {parent.Version}): {result.Manifest.Items.Count:N0} texts, {result.Dropped.Count:N0} dropped");
        if (result.Dropped.Count == 0) return 0;
        var t = new Table().Border(TableBorder.Rounded).AddColumns("dropped", "kind", "why");
        foreach (var d in result.Dropped.Take(100)) t.AddRow(Markup.Escape(d.Path), d.Kind, Markup.Escape(d.Reason));
        c.Write(t);
        return 0;
    }

    private static async Task<int> SplitTextAsync(ModelRegistry registry, DatasetVersion parent, SplitOptions options, bool asJson, CancellationToken ct)
    {
        var manifest = await TextDatasets.ReadManifestAsync(registry.Artifacts, parent, ct);
        if (options.Grouped && manifest.Items.All(i => i.Group is null))
            throw new ArgumentException($"{parent.Name}@{parent.Version} has no groups; import a table with a group column to split by group.");
        var result = TextSplitter.Split(manifest, options);
        var note = $"split of {parent.Name}@{parent.Version}: test {options.Test}, validation {options.Validation}" +
                   $"{(options.Stratify ? ", stratified" : "")}{(options.Grouped ? ", grouped" : "")}{(options.Folds >= 2 ? $", {options.Folds} folds" : "")}, seed {options.Seed}";
        var version = await TextDatasets.RecordDerivedAsync(registry.Store, registry.Artifacts, parent.Name, parent.Version, result.Manifest, note, RegistryOptions.Actor, ct);
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
        WriteTextCounts(result.Manifest);
        return 0;
    }
}
