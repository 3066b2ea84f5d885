using System.CommandLine;
using System.Text.Json;
using Lepton.Cli.Rendering;
using Lepton.Data.Images.Import;
using Lepton.Registry;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.Store;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class DataCommand
{
    private static Command Import()
    {
        var path = new Argument<string>("path") { Description = "A folder (root/<class>/*.jpg, or root/train|validation|test/<class>/...) or a .csv/.jsonl manifest of path,label[,split][,group]; or a table: a .csv, .tsv, .parquet, Excel (.xlsx, .xls) or JSON Lines (.jsonl) file, or a folder of them." };
        var name = new Option<string>("--name") { Description = "The data set's name; importing again records a new version when anything changed.", Required = true };
        var size = new Option<string?>("--size") { Description = "Stored image size WxH (default: the most common size when most images share a small one, else a square of the median shorter side in 32..128)." };
        var channels = new Option<int?>("--channels") { Description = "1 (gray) or 3 (RGB); default 3 when any image has colour." };
        var resize = new Option<string>("--resize") { Description = "How images of another size are fitted: stretch (default), fit (letterbox) or crop (centre).", DefaultValueFactory = _ => "stretch" };
        var maxFiles = new Option<int>("--max-files") { Description = "Refuse folders with more files than this.", DefaultValueFactory = _ => ImageScanOptions.DefaultMaxFiles };
        var table = new TableImportCliOptions();
        var store = RegistryOptions.Store();
        var textOptions = new TextImportCliOptions();
        var audioOptions = new AudioImportCliOptions();
        var json = CommonOptions.Json();
        var cmd = new Command("import", """
            Import a folder or manifest of images (JPEG, PNG, BMP, GIF, WebP) as a data set version: every file hashed, decoded,
            resized and stored in pixel shards, so training never decodes a file twice. The same files give the same version;
            unreadable, empty and non-image files are listed as problems, links out of the folder are not followed.

            Examples:
              lepton data import ./defects --name defects
              lepton data import ./cats_and_dogs --name pets --size 150x150 --channels 3 --resize crop
              lepton data import ./labels.csv --name photos --json

            Texts (see docs/text-datasets.md): a folder of class folders of text files or raw e-mails, or a CSV/JSONL table
            with --text-column.
              lepton data import ./mail --name spam --email-headers strip --html strip
              lepton data import ./reviews.jsonl --name reviews --text-column text --label-column stars

            A table (.csv, .tsv, .parquet, .xlsx, .jsonl, or a folder of same-schema files) is recorded as a table version: column kinds
            inferred (or pinned with --schema), stored as normalized Parquet; see docs/tables.md.
              lepton data import ./churn.csv --name churn --label-column churned
              lepton data import ./sales/ --name sales --label-column amount --task regression --time-column date
              lepton data import postgres://analyst@db:5432/shop --query "SELECT * FROM customers" --name churn --label-column churned

            Audio (see docs/audio-datasets.md): a folder of command folders of WAV files, or a manifest path,label[,speaker].
              lepton data import ./keywords/manifest.csv --name keywords --rate 16000
            """);
        cmd.Arguments.Add(path);
        foreach (var o in new Option[] { name, size, channels, resize, maxFiles, store, json }.Concat(table.All)) cmd.Options.Add(o);
        textOptions.AddTo(cmd);
        audioOptions.AddTo(cmd);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            string source = p.GetValue(path)!;
            string kind = textOptions.KindName(p);
            if (AudioImportCliOptions.IsAudio(kind, source))
                return await ImportAudioAsync(audioOptions.Read(p, p.GetValue(maxFiles)), source, p.GetValue(name)!, p.GetValue(store), p.GetValue(json), ct);
            // --text-column makes a CSV a table of texts; otherwise a .csv/.tsv/.parquet without a 'path' column is a table.
            if (kind == "table" || p.GetValue(table.Query) is not null || (kind == "auto" && p.GetValue(textOptions.TextColumn) is null && IsTableImport(source, table.Given(p) || textOptions.LabelGiven(p))))
                return await ImportTableAsync(p, table, textOptions.SingleLabel(p), source, p.GetValue(name)!, p.GetValue(store), p.GetValue(json), ct);
            if (textOptions.IsText(p, source))
                return await ImportTextAsync(p, textOptions, source, p.GetValue(name)!, p.GetValue(maxFiles), p.GetValue(store), p.GetValue(json), ct);
            int? w = null, h = null;
            if (p.GetValue(size) is { } text) (w, h) = ImageImportOptions.ParseSize(text);
            var options = new ImageImportOptions(w, h, p.GetValue(channels), ImageImportOptions.ParseResize(p.GetValue(resize)!), p.GetValue(maxFiles));
            bool asJson = p.GetValue(json);
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            ImageImportResult result;
            using (var progress = new ImportProgressView(quiet: asJson))
                result = await ImageDatasets.ImportAsync(registry.Store, registry.Artifacts, p.GetValue(path)!, p.GetValue(name)!, options, progress, RegistryOptions.Actor, ct);
            if (asJson) { JsonOut.Write(ImportJson(result)); return 0; }
            WriteImport(result);
            return 0;
        }));
        return cmd;
    }

    private static object ImportJson(ImageImportResult r)
    {
        var m = r.Manifest;
        return new
        {
            name = r.Version.Name,
            version = r.Version.Version,
            existing = r.Existing,
            parent_version = r.Version.ParentVersion,
            content_hash = r.Version.ContentHash,
            layout = r.Scan.Layout.ToString(),
            items = m.Items.Count,
            readable = m.Items.Count(i => i.IsReadable),
            decoded = r.Decoded,
            reused = r.Reused,
            classes = m.Classes,
            counts = m.Items.GroupBy(i => i.Split ?? "none").OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.GroupBy(i => i.Label ?? "(unlabelled)").OrderBy(x => x.Key, StringComparer.Ordinal).ToDictionary(x => x.Key, x => x.Count())),
            pixels = new { m.Pixels.Width, m.Pixels.Height, m.Pixels.Channels, m.Pixels.Resize, shards = m.Pixels.Shards },
            problems = m.Items.Where(i => i.Problem is not null).Select(i => new { path = i.Path, kind = i.Problem!.Kind.ToString(), message = i.Problem.Message }),
            skipped = r.Scan.Skipped,
            statistics = JsonDocument.Parse(r.Version.StatisticsJson).RootElement,
        };
    }

    private static void WriteImport(ImageImportResult r)
    {
        var c = AnsiConsole.Console;
        var m = r.Manifest;
        var v = r.Version;
        c.MarkupLine(r.Existing
            ? $"[bold]{Markup.Escape(v.Name)}@{v.Version}[/] already holds exactly these files (content {v.ContentHash[..12]}); nothing new recorded."
            : $"recorded [bold]{Markup.Escape(v.Name)}@{v.Version}[/] (content {v.ContentHash[..12]}, parent {v.ParentVersion?.ToString() ?? "-"}): {r.Decoded:N0} decoded, {r.Reused:N0} reused from the previous version");
        WriteCounts(m);
        c.MarkupLine($"pixels {m.Pixels.Width}x{m.Pixels.Height}x{m.Pixels.Channels} ({m.Pixels.Resize}) in {m.Pixels.Shards.Count} shard(s); layout {r.Scan.Layout}");
        WriteProblems(m);
        foreach (var s in r.Scan.Skipped.Take(20)) c.MarkupLine($"[grey]{Markup.Escape(s)}[/]");
        if (r.Scan.Skipped.Count > 20) c.MarkupLine($"[grey]... and {r.Scan.Skipped.Count - 20} more skipped[/]");
    }

    private static void WriteCounts(Data.Images.Datasets.ImageManifest m)
    {
        var splits = m.Items.Select(i => i.Split ?? "none").Distinct().Order(StringComparer.Ordinal).ToList();
        var t = new Table().Border(TableBorder.Rounded).AddColumn("class");
        foreach (var s in splits) t.AddColumn(new TableColumn(s).RightAligned());
        t.AddColumn(new TableColumn("total").RightAligned());
        foreach (var label in m.Items.Select(i => i.Label ?? "(unlabelled)").Distinct().Order(StringComparer.Ordinal))
        {
            var row = new List<string> { Markup.Escape(label) };
            row.AddRange(splits.Select(s => $"{m.Items.Count(i => (i.Label ?? "(unlabelled)") == label && (i.Split ?? "none") == s):N0}"));
            row.Add($"{m.Items.Count(i => (i.Label ?? "(unlabelled)") == label):N0}");
            t.AddRow([.. row]);
        }
        AnsiConsole.Console.Write(t);
    }

    private static void WriteProblems(Data.Images.Datasets.ImageManifest m)
    {
        var problems = m.Items.Where(i => i.Problem is not null).ToList();
        if (problems.Count == 0) { AnsiConsole.Console.MarkupLine($"{m.Items.Count:N0} items, all readable"); return; }
        AnsiConsole.Console.MarkupLine($"{m.Items.Count:N0} items, [yellow]{problems.Count:N0} with problems[/] (kept in the version, without pixels):");
        var t = new Table().Border(TableBorder.Rounded).AddColumns("file", "problem", "detail");
        foreach (var i in problems.Take(50)) t.AddRow(Markup.Escape(i.Path), i.Problem!.Kind.ToString(), Markup.Escape(i.Problem.Message));
        AnsiConsole.Console.Write(t);
        if (problems.Count > 50) AnsiConsole.Console.MarkupLine($"... and {problems.Count - 50:N0} more (see --json)");
    }

    private static void WriteImageSummary(DatasetVersion v)
    {
        var c = AnsiConsole.Console;
        c.MarkupLine($"[bold]{Markup.Escape(v.Name)}@{v.Version}[/] image data set, content {v.ContentHash}, parent {v.ParentVersion?.ToString() ?? "-"}, by {Markup.Escape(v.CreatedBy)} at {v.CreatedAt:u}");
        using var summary = JsonDocument.Parse(v.ManifestJson);
        using var stats = JsonDocument.Parse(v.StatisticsJson);
        var r = summary.RootElement;
        var px = r.GetProperty("pixels");
        c.MarkupLine($"{r.GetProperty("items").GetInt32():N0} items, {r.GetProperty("readable").GetInt32():N0} readable, {r.GetProperty("problems").GetInt32():N0} with problems; source {Markup.Escape(r.GetProperty("source").GetString() ?? "")} ({r.GetProperty("layout").GetString()})");
        c.MarkupLine($"pixels {px.GetProperty("width")}x{px.GetProperty("height")}x{px.GetProperty("channels")} ({px.GetProperty("resize").GetString()}), {px.GetProperty("shards").GetArrayLength()} shard(s); manifest artifact {r.GetProperty("manifest_artifact").GetString()}");
        var t = new Table().Border(TableBorder.Rounded).AddColumns("split", "class", "items");
        foreach (var split in stats.RootElement.GetProperty("class_counts").EnumerateObject())
            foreach (var cls in split.Value.EnumerateObject()) t.AddRow(Markup.Escape(split.Name), Markup.Escape(cls.Name), $"{cls.Value.GetInt32():N0}");
        c.Write(t);
        var n = stats.RootElement.GetProperty("normalization");
        c.WriteLine($"normalization ({n.GetProperty("split").GetString()} pixels): mean [{string.Join(", ", n.GetProperty("mean").EnumerateArray().Select(x => x.GetDouble().ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}], std [{string.Join(", ", n.GetProperty("std").EnumerateArray().Select(x => x.GetDouble().ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}]");
        if (r.TryGetProperty("note", out var note)) c.MarkupLine($"note: {Markup.Escape(note.GetString() ?? "")}");
    }
}
