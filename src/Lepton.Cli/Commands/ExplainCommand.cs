using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Data.Images;
using Lepton.Data.Inputs;
using Lepton.Runtime.Explanations;
using Lepton.Runtime;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton explain</c>: why an image classifier decided, as Grad-CAM, gradient saliency and occlusion maps in one PNG.</summary>
public static class ExplainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A registered model (name, name@3, name@production) or a model folder (a Lepton network).", Required = true };
        var input = new Option<string>("--input") { Description = "The image to explain (PNG or JPEG; resized as the model's input says).", Required = true };
        var output = new Option<string>("--out") { Description = "The PNG to write: the image, then each method's map over it.", DefaultValueFactory = _ => "explain.png" };
        var cls = new Option<string?>("--class") { Description = "Explain this class (name or id) instead of the predicted one." };
        var window = new Option<int?>("--window") { Description = "Occlusion window side in pixels (default: an eighth of the image's shorter side)." };
        var store = RegistryOptions.Store();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("explain", "Explain an image classification: Grad-CAM (last conv layer), gradient saliency and occlusion.\n\n" +
                                         "Example:\n  lepton explain --model shapes@production --input photo.jpg --out explain.png");
        foreach (var o in new Option[] { model, input, output, cls, window, store, threads, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            var resolved = await ModelResolution.ResolveAsync(p.GetValue(model)!, p.GetValue(store), ct);
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
            string path = Path.GetFullPath(p.GetValue(output)!);
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

    private static int ClassId(string text, IReadOnlyList<string> names)
    {
        for (int i = 0; i < names.Count; i++)
            if (string.Equals(names[i], text, StringComparison.Ordinal)) return i;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id)) return id;
        throw new ArgumentException($"--class {text} is neither a class of the model ({string.Join(", ", names)}) nor a class id.");
    }
}
