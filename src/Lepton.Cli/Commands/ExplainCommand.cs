using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Data.Images;
using Lepton.Data.Inputs;
using Lepton.Runtime.Explanations;
using Lepton.Runtime;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary>
/// <c>lepton explain</c>: why a model decided: for an image Grad-CAM, gradient saliency and occlusion maps in one PNG; for a text
/// token attributions; for a table row each column's contribution.
/// </summary>
public static class ExplainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A registered model (name, name@3, name@production) or a model folder (a Lepton network).", Required = true };
        var input = new Option<string?>("--input") { Description = "The image to explain (PNG or JPEG; resized as the model's input says); for a text model, a text file (its first line) or the text itself; for a table model, one row as a JSON object or a .jsonl/.csv file of one row." };
        var text = new Option<string?>("--text") { Description = "For a text model: the text to explain (token attributions by occlusion)." };
        var output = new Option<string?>("--out") { Description = "Where to write: for an image the PNG (the image, then each method's map over it; default explain.png); for a text the HTML page with highlighted tokens (default explain.html)." };
        var cls = new Option<string?>("--class") { Description = "Explain this class (name or id) instead of the predicted one." };
        var vary = new Option<string?>("--vary") { Description = "For a table row: also sweep this column over its training values (20 quantiles, false/true, or its most frequent categories) with the rest of the row kept, and show how the answer moves (where a yes/no decision flips)." };
        var window = new Option<int?>("--window") { Description = "Occlusion window side in pixels (default: an eighth of the image's shorter side)." };
        var store = RegistryOptions.Store();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("explain", "Explain a prediction: for an image Grad-CAM (last conv layer), gradient saliency and occlusion; for a text each token's attribution (occlusion); for a table row each column's contribution (TreeSHAP or exact linear).\n\n" +
                                         "Examples:\n  lepton explain --model shapes@production --input photo.jpg --out explain.png\n" +
                                         "  lepton explain --model reviews@production --text \"the battery died after a day\" --out explain.html\n" +
                                         "  lepton explain --model churn@production --input '{\"age\": 41, \"plan\": \"pro\"}'\n" +
                                         "  lepton explain --model credit@production --input applicant.json --vary income");
        foreach (var o in new Option[] { model, input, text, output, cls, vary, window, store, threads, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            var resolved = await ModelResolution.ResolveAsync(p.GetValue(model)!, p.GetValue(store), ct);
            if (p.GetValue(vary) is not null && !File.Exists(Path.Combine(resolved.Folder, Lepton.Data.Tables.Encoding.EncoderSet.FileName)))
                throw new ArgumentException("--vary sweeps a column of a table row; this is not a table model (its folder has no encoders.json). Leave it out.");
            if (File.Exists(Path.Combine(resolved.Folder, "tokenizer.json")))
                return await ExplainTextAsync(resolved, p.GetValue(text), p.GetValue(input), p.GetValue(output) ?? "explain.html", p.GetValue(cls), p.GetValue(json), ct);
            if (File.Exists(Path.Combine(resolved.Folder, Lepton.Data.Tables.Encoding.EncoderSet.FileName)))
                return TableExplanation.Run(resolved.Folder, resolved.Display, p.GetValue(input), p.GetValue(cls), p.GetValue(json), p.GetValue(vary));
            if (p.GetValue(text) is not null) throw new ArgumentException("--text needs a text model (one with tokenizer.json); give this model an image with --input.");
            if (p.GetValue(input) is null) throw new ArgumentException("Give the image to explain with --input FILE.");
            InputBatch batch;
            IReadOnlyList<string> names;
            using (var predictor = PredictorLoader.Default.Load(resolved.Folder))
            {
                var signature = predictor.Signature;
                batch = PredictionInputs.Load(p.GetValue(input)!, predictor.ExampleShape(), signature.Inputs[0].Image ?? ResizePolicy.Exact);
                names = signature.ClassNames;
            }
            if (batch.Raw.Shape[0] != 1)
                throw new ArgumentException($"--input {p.GetValue(input)} holds {batch.Raw.Shape[0]} examples; lepton explain explains one image at a time.");
            int? target = p.GetValue(cls) is { } c ? ClassId(c, names) : null;
            var explanation = ImageExplainer.ExplainFolder(resolved.Folder, batch.Raw, target, p.GetValue(window), ct);
            var raw = batch.Raw.Contiguous().ToArray();
            int channels = batch.Raw.Shape[1], height = batch.Raw.Shape[2], width = batch.Raw.Shape[3];
            string path = Path.GetFullPath(p.GetValue(output) ?? "explain.png");
            if (Path.GetDirectoryName(path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
            await File.WriteAllBytesAsync(path, ExplanationImage.Render(raw, channels, height, width, explanation), ct);
            if (p.GetValue(json))
            {
                JsonOut.Write(new
                {
                    @class = explanation.ClassName, class_id = explanation.Class, probability = explanation.Probabilities[explanation.Class],
                    image = path, methods = new[] { explanation.GradCam, explanation.Saliency, explanation.Occlusion }.Where(m => m is not null).Select(m => m!.Method),
                    grad_cam_unavailable = explanation.GradCamUnavailable,
                });
                return 0;
            }
            AnsiConsole.MarkupLine($"{Markup.Escape(resolved.Display)}: [bold]{Markup.Escape(explanation.ClassName)}[/] ({explanation.Probabilities[explanation.Class]:P1})");
            if (explanation.GradCamUnavailable is { } why) AnsiConsole.MarkupLine($"[yellow]No Grad-CAM:[/] {Markup.Escape(why)}");
            AnsiConsole.MarkupLine($"Wrote [bold]{Markup.Escape(path)}[/]: the image, then {string.Join(", ", new[] { explanation.GradCam, explanation.Saliency, explanation.Occlusion }.Where(m => m is not null).Select(m => m!.Method))}.");
            return 0;
        }));
        return cmd;
    }

    // A text model: token occlusion through the model's own predictor, written as an HTML page with highlighted tokens.
    private static async Task<int> ExplainTextAsync(Lepton.Registry.ResolvedModel resolved, string? text, string? input, string output, string? cls, bool json, CancellationToken ct)
    {
        if (text is not null && input is not null) throw new ArgumentException("Give the text with --text or --input, not both.");
        string value = text ?? (input is null ? throw new ArgumentException("This is a text model: give the text with --text \"...\" (or --input FILE, its first line).")
            : File.Exists(input) ? File.ReadLines(input).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l)) ?? throw new InvalidDataException($"--input {input} holds no text.")
            : input);
        if (!output.EndsWith(".html", StringComparison.OrdinalIgnoreCase) && !output.EndsWith(".htm", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"--out {output}: a text explanation is an HTML page; name it .html.");
        using var predictor = PredictorLoader.Default.Load(resolved.Folder);
        var encoder = TextPrediction.Encoder(resolved.Folder, predictor.Signature)!;
        var explanation = await TextExplainer.ExplainAsync(predictor, encoder, value, cls is null ? null : ClassId(cls, predictor.Signature.ClassNames), ct);
        string path = Path.GetFullPath(output);
        if (Path.GetDirectoryName(path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(path, TextExplanationHtml.Page(explanation, resolved.Display), ct);
        if (json)
        {
            JsonOut.Write(new
            {
                @class = explanation.ClassName, class_id = explanation.Class, probability = explanation.Probabilities[explanation.Class], method = explanation.Method, html = path,
                tokens = explanation.Tokens.Select(t => new { token = t.Token, id = t.Id, attribution = t.Attribution, special = t.Special }),
            });
            return 0;
        }
        AnsiConsole.MarkupLine($"{Markup.Escape(resolved.Display)}: [bold]{Markup.Escape(explanation.ClassName)}[/] ({explanation.Probabilities[explanation.Class]:P1})");
        var table = new Table().Border(TableBorder.Rounded).AddColumns("token", "attribution");
        foreach (var t in explanation.Tokens.Where(t => !t.Special).OrderByDescending(t => Math.Abs(t.Attribution)).Take(15))
            table.AddRow(Markup.Escape(t.Token.Trim()), t.Attribution.ToString("+0.0000;-0.0000;0", System.Globalization.CultureInfo.InvariantCulture));
        AnsiConsole.Console.Write(table);
        AnsiConsole.MarkupLine($"Wrote [bold]{Markup.Escape(path)}[/]: the text with each token highlighted by its attribution.");
        return 0;
    }

    internal static int ClassId(string text, IReadOnlyList<string> names)
    {
        for (int i = 0; i < names.Count; i++)
            if (string.Equals(names[i], text, StringComparison.Ordinal)) return i;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id)) return id;
        throw new ArgumentException($"--class {text} is neither a class of the model ({string.Join(", ", names)}) nor a class id.");
    }
}
