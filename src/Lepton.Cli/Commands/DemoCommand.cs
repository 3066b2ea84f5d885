using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Data;
using Lepton.Data.Formats;
using Lepton.Data.Inputs;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Training.Workflows;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton demo</c>: the main job end to end on Fashion-MNIST: train, evaluate, predict image files.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Training epochs for the demo model.", DefaultValueFactory = _ => 2 };
        var dataDir = CommonOptions.DataDir();
        var outDir = new Option<string?>("--out") { Description = "Where the demo writes its model and sample images (default: $LEPTON_HOME/demo)." };
        var samples = new Option<int>("--samples") { Description = "Test images to export as PNG and predict.", DefaultValueFactory = _ => 8 };
        var threads = CommonOptions.Threads();
        var cmd = new Command("demo", "Train the reference CNN on Fashion-MNIST, evaluate it and predict a few test images.\n\nExample:\n  lepton demo --epochs 2");
        foreach (var o in new Option[] { epochs, dataDir, outDir, samples, threads }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            string root = p.GetValue(outDir) ?? Path.Combine(CommonOptions.Home, "demo");
            return Run(root, p.GetValue(epochs), p.GetValue(dataDir), p.GetValue(samples), ct);
        }));
        return cmd;
    }

    private static int Run(string root, int epochs, string? dataDir, int sampleCount, CancellationToken ct)
    {
        string modelDir = Path.Combine(root, "cnn");
        Step(1, $"train the reference CNN on Fashion-MNIST ({epochs} epochs)");
        var recipe = new ImageClassifierRecipe(DataDir: dataDir, Model: "cnn", Epochs: epochs);
        int code = TrainCommand.Train(recipe, modelDir, "demo-cnn", null, json: false, ct).GetAwaiter().GetResult();
        if (code != 0) return code;

        Step(2, "evaluate it on the 10,000 test images");
        ReportView.Write(EvalCommand.Evaluate(modelDir, "fashion-mnist", dataDir, 256), $"{modelDir} on fashion-mnist (test split)");

        Step(3, $"export {sampleCount} test images as PNG and predict them");
        string sampleDir = Path.Combine(root, "samples");
        var truth = ExportSamples(sampleDir, dataDir, sampleCount);
        var predictor = new ModelPredictor(ModelFile.Load(modelDir));
        var predictions = predictor.Predict(PredictionInputs.Load(sampleDir, predictor.ExampleShape), top: 3);
        PredictionView.Write(predictions, truth);

        AnsiConsole.MarkupLine($"\n[green]Done.[/] Model: [bold]{Markup.Escape(modelDir)}[/]  Samples: [bold]{Markup.Escape(sampleDir)}[/]");
        AnsiConsole.MarkupLine($"Try: [grey]./lepton predict --model {Markup.Escape(modelDir)} --input {Markup.Escape(sampleDir)}[/]");
        return 0;
    }

    private static void Step(int n, string what) => AnsiConsole.Write(new Rule($"[bold]{n}. {Markup.Escape(what)}[/]").LeftJustified());

    // Writes the first test images of distinct classes as 28x28 grayscale PNGs; returns file name → true label.
    private static Dictionary<string, string> ExportSamples(string dir, string? dataDir, int count)
    {
        Directory.CreateDirectory(dir);
        foreach (var old in Directory.EnumerateFiles(dir, "*.png")) File.Delete(old);
        var test = FashionMnist.Load(dataDir, train: false);
        var labels = test.Targets.ToIntArray();
        var truth = new Dictionary<string, string>();
        for (int i = 0, written = 0; i < test.Count && written < count; i++)
        {
            string label = test.ClassNames[labels[i]];
            if (truth.ContainsValue(label) && written < Math.Min(count, test.ClassNames.Count)) continue;
            string name = $"{written:D2}-test{i:D5}.png";
            var image = test.Inputs.Select(0, i).Mul(255.0); // (1,28,28) back to 0..255
            PngEncoder.Write(Path.Combine(dir, name), image.Contiguous());
            truth[name] = label;
            written++;
        }
        return truth;
    }
}
