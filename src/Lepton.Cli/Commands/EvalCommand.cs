using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Data;
using Lepton.Engine;
using Lepton.Reports;
using Lepton.NN.Serialization;
using Lepton.Runtime;
using Lepton.Training.Metrics;
using Lepton.Training.Tasks;
using Lepton.Training.Workflows;

namespace Lepton.Cli.Commands;

/// <summary>
/// <c>lepton eval</c>: accuracy, per-class precision/recall/F1 and the confusion matrix of a model on a data set's test split;
/// the HTML report, comparisons and image data set versions go through <see cref="ReportAsync"/> (EvalCommand.Report.cs).
/// </summary>
public static partial class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "A registered model (name, name@3, name@production) or a model folder." };
        var compare = new Option<string[]>("--compare") { Description = "Two models (A B) to compare on the same data with paired tests (McNemar, paired bootstrap).", Arity = new ArgumentArity(2, 2), AllowMultipleArgumentsPerToken = true };
        var reportPath = new Option<string?>("--report") { Description = "Write a self-contained HTML report here (and its numbers as NAME.evaluation.json beside it for one model)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the bootstrap intervals.", DefaultValueFactory = _ => 0 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap draws for intervals and paired tests.", DefaultValueFactory = _ => 1000 };
        var store = RegistryOptions.Store();
        var data = new Option<string>("--data")
        {
            Description = "Data set: fashion-mnist, an image, text or table data set version (NAME@V; its test split heads the report, every split is a slice), or a tensor data set folder (its test/ split; train/ when it has none).",
            DefaultValueFactory = _ => "fashion-mnist",
        };
        var dataDir = CommonOptions.DataDir();
        var batch = new Option<int>("--batch-size") { Description = "Examples per forward pass.", DefaultValueFactory = _ => 256 };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var folds = CrossValidationCli.FoldsOption();
        var groups = new Option<string[]>("--groups")
        {
            Description = "Table models: compare the answers across the groups of these columns (home,age): a yes/no decision's selection, true- and false-positive rates with the four-fifths rule, a regressor's errors.",
            AllowMultipleArgumentsPerToken = true,
        };
        var favorable = new Option<string?>("--favorable") { Description = "With --groups: the class a yes/no decision grants (default: the model's second class, the one its threshold gives)." };
        var minGroupRows = new Option<int>("--min-group-rows") { Description = "With --groups: the fewest rows a group needs to be judged (smaller ones are shown).", DefaultValueFactory = _ => Runtime.Tables.GroupFairness.DefaultMinRows };
        var cmd = new Command("eval", "Evaluate a model on a data set's test split; --report writes an HTML report, --compare tests two models against each other.\n\n" +
                                      "Examples:\n  lepton eval --model .lepton/models/cnn --data fashion-mnist\n" +
                                      "  lepton eval --model shapes@production --data shapes@2 --report report.html\n" +
                                      "  lepton eval --compare shapes@1 shapes@2 --data shapes@2 --report compare.html\n" +
                                      "  lepton eval --model reviews@production --data reviews@3 --report reviews.html\n" +
                                      "  lepton eval --model shapes@production --data shapes@2 --folds 5 --report cv.html\n" +
                                      "  lepton eval --model credit@production --data credit@1 --groups home,age --favorable no --report credit.html");
        foreach (var o in new Option[] { model, compare, data, dataDir, reportPath, seed, bootstrap, batch, store, threads, json, folds, groups, favorable, minGroupRows }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            var pair = p.GetValue(compare);
            if (pair is { Length: > 0 } && p.GetValue(model) is not null)
                throw new ArgumentException("Give either --model MODEL or --compare A B, not both.");
            if (pair is not { Length: > 0 } && p.GetValue(model) is null)
                throw new ArgumentException("Name the model to evaluate with --model MODEL (or two with --compare A B).");
            string dataName = p.GetValue(data)!;
            var groupOptions = Runtime.Tables.GroupOptions.Parse(p.GetValue(groups), p.GetValue(favorable), p.GetValue(minGroupRows));
            if (groupOptions.Columns.Count > 0 && p.GetValue(folds) is not null)
                throw new ArgumentException("--groups compares a model's answers across groups on a table data set; it does not combine with --folds.");
            if (p.GetValue(folds) is { } k)
            {
                if (pair is { Length: > 0 }) throw new ArgumentException("--folds cross-validates one model's recipe; it does not combine with --compare.");
                var cv = await ModelResolution.ResolveAsync(p.GetValue(model)!, p.GetValue(store), ct);
                return await CrossValidationCli.RunAsync(CrossValidationCli.RecipeOf(cv.Folder, dataName, p.GetValue(dataDir)), k,
                    cv.Version?.Model ?? Path.GetFileName(cv.Folder), p.GetValue(store), p.GetValue(json), p.GetValue(reportPath), ct);
            }
            bool imageVersion = !TensorFolder.IsTensorFolder(dataName) && !string.Equals(dataName, "fashion-mnist", StringComparison.OrdinalIgnoreCase);
            var options = new ReportOptions(BootstrapResamples: p.GetValue(bootstrap), Seed: p.GetValue(seed));
            if (imageVersion && await IsTableDataAsync(dataName, p.GetValue(store), ct))
            {
                if (pair is not { Length: > 0 })
                    return await TableReportAsync(p.GetValue(model)!, dataName, p.GetValue(reportPath), p.GetValue(store), options, groupOptions, p.GetValue(batch), p.GetValue(json), ct);
                if (await TableRegressionCompareAsync(pair, dataName, p.GetValue(reportPath), p.GetValue(store), options, p.GetValue(json), ct, groupOptions) is { } compared)
                    return compared;
                return await ReportAsync(pair, dataName, p.GetValue(dataDir), p.GetValue(reportPath), p.GetValue(store), p.GetValue(batch), options, p.GetValue(json), ct, groupOptions);
            }
            if (groupOptions.Columns.Count > 0)
                throw new ArgumentException($"--groups compares groups of a table's rows; {dataName} is not a table data set version (import a CSV or Parquet file with lepton data import).");
            if (pair is { Length: > 0 } || p.GetValue(reportPath) is not null || imageVersion)
            {
                return await ReportAsync(pair is { Length: > 0 } ? pair : [p.GetValue(model)!], dataName, p.GetValue(dataDir), p.GetValue(reportPath),
                    p.GetValue(store), p.GetValue(batch), options, p.GetValue(json), ct);
            }
            var resolved = await ModelResolution.ResolveAsync(p.GetValue(model)!, p.GetValue(store), ct);
            if (TensorFolder.IsTensorFolder(p.GetValue(data)!))
            {
                var evaluation = EvaluateTensors(resolved.Folder, p.GetValue(data)!, p.GetValue(batch));
                if (p.GetValue(json)) JsonOut.Write(evaluation.Report is ClassificationReport c ? ReportView.ToJson(c) : evaluation.Report.Metrics);
                else if (evaluation.Report is ClassificationReport c) ReportView.Write(c, $"{resolved.Display} on {evaluation.Split}");
                else Console.WriteLine($"{resolved.Display} on {evaluation.Split}\n{evaluation.Report.ToText()}");
                return 0;
            }
            var (report, conformal) = EvaluateWithSets(resolved.Folder, p.GetValue(data)!, p.GetValue(dataDir), p.GetValue(batch));
            if (p.GetValue(json))
            {
                var o = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(ReportView.ToJson(report), JsonOut.Options))!.AsObject();
                if (conformal is not null) o["conformal"] = ConformalCoverageView.Json(conformal, report.Classes.Select(c => c.Name).ToList());
                JsonOut.Write(o);
                return 0;
            }
            ReportView.Write(report, $"{resolved.Display} on {p.GetValue(data)} (test split)");
            ConformalCoverageView.Write(conformal, "test", [.. report.Classes.Select(c => c.Name)]);
            return 0;
        }));
        return cmd;
    }

    public static Training.Metrics.ClassificationReport Evaluate(string modelDir, string data, string? dataDir, int batchSize) =>
        EvaluateWithSets(modelDir, data, dataDir, batchSize).Report;

    /// <summary>The report, and how the model's prediction sets did when its folder has them (<c>lepton models intervals</c>).</summary>
    private static (Training.Metrics.ClassificationReport Report, Runtime.Conformal.ConformalCoverage? Sets) EvaluateWithSets(string modelDir, string data,
        string? dataDir, int batchSize)
    {
        if (!string.Equals(data, "fashion-mnist", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Unknown data set '{data}'. Supported: {string.Join(", ", ImageClassifierTraining.DataSets)}.");
        // Any classifier kind the runtime knows, loaded and prepared for inference.
        using var predictor = CliPredictors.Load(modelDir);
        var test = FashionMnist.Load(dataDir, train: false);
        if (test.InputShape != predictor.ExampleShape())
            throw new InvalidDataException($"The model expects inputs {predictor.ExampleShape()}, but {data} has {test.InputShape}.");
        // The loader scales pixels to [0,1]; the model's own preprocessing starts from raw 0..255 pixels.
        var raw = new InMemoryDataset(test.Inputs.Mul(255.0), test.Targets, test.ClassNames);
        var logits = predictor.Logits(raw.Inputs, preprocess: true, batchSize);
        var report = ModelEvaluation.Report(logits, raw, predictor.Signature.ClassNames);
        return (report, ConformalCoverageView.Of(modelDir, logits, [.. test.Targets.To(Engine.DType.Int32).ToArray<int>()]));
    }

    /// <summary>
    /// A model on a tensor data set folder: its test split (train when it has none), with the report of the model's task
    /// (accuracy and per-class metrics; binary, multi-label or regression metrics).
    /// </summary>
    public static (ITaskReport Report, string Split) EvaluateTensors(string modelDir, string folder, int batchSize)
    {
        using var predictor = CliPredictors.Load(modelDir);
        var signature = predictor.Signature;
        var task = signature.Task ?? (signature.IsClassifier ? TaskSpec.Multiclass
            : throw new InvalidDataException("This model's outputs are plain tensors, not a task's; evaluation needs a classifier or a binary, multi-label or regression model."));
        var data = TensorFolder.Load(folder, [.. signature.Inputs.Select(i => i.Name)]);
        var split = data.Test ?? data.Train;
        var all = Enumerable.Range(0, split.Count).ToArray();
        var batch = split.GetBatch(all);
        var outputs = predictor.FirstOutput(batch.AllInputs, preprocess: true, batchSize).Contiguous();
        int width = outputs.Rank == 2 ? outputs.Shape[1] : 1;
        var report = TrainingTask.Create(task).Report(outputs.ToArray(), width, batch.Targets.To(DType.Float32).ToArray(),
            signature.ClassNames.Count > 0 ? signature.ClassNames : split.ClassNames, null);
        return (report, $"{Path.GetFileName(Path.GetFullPath(folder))} ({(data.Test is null ? "train" : "test")} split)");
    }
}
