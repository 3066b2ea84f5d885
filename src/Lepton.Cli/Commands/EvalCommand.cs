using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Data;
using Lepton.Runtime;
using Lepton.Training.Workflows;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton eval</c>: accuracy, per-class precision/recall/F1 and the confusion matrix of a model on a data set's test split.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A registered model (name, name@3, name@production) or a model folder.", Required = true };
        var store = RegistryOptions.Store();
        var data = new Option<string>("--data") { Description = "Data set: fashion-mnist.", DefaultValueFactory = _ => "fashion-mnist" };
        var dataDir = CommonOptions.DataDir();
        var batch = new Option<int>("--batch-size") { Description = "Examples per forward pass.", DefaultValueFactory = _ => 256 };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("eval", "Evaluate a model on a data set's test split.\n\nExample:\n  lepton eval --model .lepton/models/cnn --data fashion-mnist");
        foreach (var o in new Option[] { model, data, dataDir, batch, store, threads, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            var resolved = await ModelResolution.ResolveAsync(p.GetValue(model)!, p.GetValue(store), ct);
            var report = Evaluate(resolved.Folder, p.GetValue(data)!, p.GetValue(dataDir), p.GetValue(batch));
            if (p.GetValue(json)) ReportView.WriteJson(report);
            else ReportView.Write(report, $"{resolved.Display} on {p.GetValue(data)} (test split)");
            return 0;
        }));
        return cmd;
    }

    public static Training.Metrics.ClassificationReport Evaluate(string modelDir, string data, string? dataDir, int batchSize)
    {
        if (!string.Equals(data, "fashion-mnist", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Unknown data set '{data}'. Supported: {string.Join(", ", ImageClassifierTraining.DataSets)}.");
        // Any classifier kind the runtime knows, loaded and prepared for inference.
        using var predictor = PredictorLoader.Default.Load(modelDir);
        var test = FashionMnist.Load(dataDir, train: false);
        if (test.InputShape != predictor.ExampleShape())
            throw new InvalidDataException($"The model expects inputs {predictor.ExampleShape()}, but {data} has {test.InputShape}.");
        // The loader scales pixels to [0,1]; the model's own preprocessing starts from raw 0..255 pixels.
        var raw = new InMemoryDataset(test.Inputs.Mul(255.0), test.Targets, test.ClassNames);
        return predictor.Evaluate(raw, batchSize);
    }
}
