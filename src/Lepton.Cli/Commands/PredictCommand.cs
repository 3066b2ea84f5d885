using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Data.Inputs;
using Lepton.Runtime;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton predict</c>: run a saved model on .npy arrays, PNG images or IDX files.</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A registered model (name, name@3, name@production) or a model folder.", Required = true };
        var store = RegistryOptions.Store();
        var input = new Option<string>("--input") { Description = "A .npy, .png or IDX file, or a folder of them.", Required = true };
        var output = new Option<string?>("--output") { Description = "Write results to out.json (top classes + logits), out.npy (logits) or out.csv (probabilities)." };
        var top = new Option<int>("--top") { Description = "How many classes to show per input.", DefaultValueFactory = _ => 3 };
        var noPre = new Option<bool>("--no-preprocess") { Description = "Inputs are already model inputs: skip the model's scaling and normalization." };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("predict", "Predict classes for input files.\n\n" +
                                         "Example:\n  lepton predict --model .lepton/models/cnn --input samples/ --output predictions.csv");
        foreach (var o in new Option[] { model, input, output, top, noPre, store, threads, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            var resolved = await ModelResolution.ResolveAsync(p.GetValue(model)!, p.GetValue(store), ct);
            // Any model kind the runtime knows, loaded and prepared for inference.
            using var predictor = PredictorLoader.Default.Load(resolved.Folder);
            var inputs = PredictionInputs.Load(p.GetValue(input)!, predictor.ExampleShape());
            var predictions = predictor.PredictClasses(inputs, p.GetValue(top), preprocess: !p.GetValue(noPre));
            if (p.GetValue(output) is { } path)
            {
                PredictionWriter.Write(path, predictions, predictor.Signature.ClassNames);
                if (!p.GetValue(json)) Console.WriteLine($"wrote {predictions.Count} prediction(s) to {path}");
            }
            if (p.GetValue(json)) PredictionView.WriteJson(predictions);
            else PredictionView.Write(predictions);
            return 0;
        }));
        return cmd;
    }
}
