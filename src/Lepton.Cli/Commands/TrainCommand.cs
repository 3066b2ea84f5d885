using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Training.Callbacks;
using Lepton.Training.Distributed;
using Lepton.Training.Tracking;
using Lepton.Training.Workflows;
using Lepton.Training.Workflows.Audio;
using Lepton.Training.Workflows.Tables;
using Lepton.Training.Workflows.Text;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton train</c>: train a preset or a model.json on a data set and write a model folder.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data")
        {
            Description = "Data set: fashion-mnist, an image or table data set version (NAME or NAME@V, from lepton data import), or a tensor data set folder (train/ and test/ with one .npy per model input and targets.npy).",
            DefaultValueFactory = _ => "fashion-mnist",
        };
        var task = new Option<string?>("--task")
        {
            Description = "multiclass, binary, multilabel or regression (default: the data set's dataset.json, else multiclass).",
        };
        var threshold = new Option<string?>("--threshold")
        {
            Description = "Decision threshold of binary and multilabel tasks (default 0.5). Tables (yes/no labels): a probability, or a rule that chooses it on held-out predictions: f1 (best F1 of the positive class), precision=0.9 (most recall at that precision), recall=0.8 (most precision at that recall), cost=20 (least cost when a missed positive costs 20 false alarms).",
        };
        var classWeight = new Option<string?>("--class-weight")
        {
            Description = "Tables: weigh training rows by class: balanced (each class the same total weight, for a rare class), or CLASS=W pairs (yes=10). Default none.",
        };
        var loss = new Option<string?>("--loss")
        {
            Description = "Tables (a number to predict): squared (the mean, default), absolute (the median), quantile=0.9 (a value the target stays under 90% of the time), poisson (counts), gamma (positive amounts), tweedie=1.5 (amounts often exactly 0).",
        };
        var monotone = new Option<string?>("--monotone")
        {
            Description = "Tables (gbdt, random-forest, logistic, linear, linear-svm, auto): columns whose effect may only rise or only fall as they grow, e.g. income=increasing,debt_ratio=decreasing (numeric and yes/no columns; yes/no and regression labels).",
        };
        var additive = new Option<bool>("--additive")
        {
            Description = "Tables (gbdt, random-forest, auto; linear learners are additive already): each tree splits on one column, so the answer is a sum of one curve per column (lepton eval draws each).",
        };
        var exclude = new Option<string?>("--exclude")
        {
            Description = "Tables: columns the model must not learn from though the data has them, e.g. home,age (a protected attribute to compare groups on with lepton eval --groups; the served model does not ask for them).",
        };
        var reweigh = new Option<string?>("--reweigh")
        {
            Description = "Tables (classifiers): weigh the training rows so the label no longer depends on this column's groups (home, or home+age); the model learns no group's past rate, through the column or those that carry it.",
        };
        var calibrate = new Option<string?>("--calibrate")
        {
            Description = "Tables (classifiers): calibrate the probabilities on held-out predictions (the validation split, else out-of-fold): sigmoid (Platt), isotonic, temperature (one divisor of the logits), or auto (isotonic when every class has 1,000 held-out rows, else sigmoid). For class weights, reweighing, SVMs and trees whose scores are not probabilities.",
        };
        var intervals = new Option<double?>("--intervals")
        {
            Description = "Tables: answer every row with a conformal interval (regressors) or set of classes (classifiers) that holds the truth this share of the time, e.g. 0.9; fitted on held-out predictions (the validation split, else out-of-fold).",
        };
        var intervalsPerClass = new Option<bool>("--intervals-per-class")
        {
            Description = "Tables (classifiers), with --intervals: fit the sets class by class, so the level holds among the rows of every class (a rare one too); the sets are larger.",
        };
        var weightColumn = new Option<string?>("--weight-column")
        {
            Description = "Tables: a numeric column saying how much each row counts in the loss (an exposure, a sampling weight); never a feature. The validation and test metrics are given weighted too (weighted_rmse, ...).",
        };
        var intervalsMethod = new Option<string?>("--intervals-method")
        {
            Description = "Tables (regressors), with --intervals: residuals (default: one width from the held-out residuals, scaled by the answer for counts and amounts) or quantiles (two more models at the quantiles (1 ± level) / 2, their band conformalized: wide where the target is spread, narrow where it is not).",
        };
        var dataDir = CommonOptions.DataDir();
        var model = new Option<string>("--model")
        {
            Description = $"A preset ({string.Join(", ", ModelPresets.Names)}, or auto to choose by the data's size), a model.json (fresh weights) or a model folder (fine-tune). Presets are sized for an image data set's images and classes. For a table: {string.Join(", ", TabularRecipe.Models)} (default auto). For a text data set: {string.Join(", ", TextRecipe.Models)} (default auto). For an audio data set: {string.Join(", ", AudioRecipe.Models)} (default auto).",
            DefaultValueFactory = _ => "cnn",
        };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 5 };
        var batch = new Option<int>("--batch-size") { Description = "Examples per step.", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Learning rate (peak rate for schedules).", DefaultValueFactory = _ => 1e-3 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam, adamw or sgd.", DefaultValueFactory = _ => "adam" };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 (adam, sgd) or decoupled (adamw) weight decay.", DefaultValueFactory = _ => 0 };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum.", DefaultValueFactory = _ => 0.9 };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule: none, cosine, onecycle or step.", DefaultValueFactory = _ => "none" };
        var clip = new Option<double?>("--clip-grad-norm") { Description = "Clip the global gradient norm to this value." };
        var valSplit = new Option<double>("--validation-split")
        {
            Description = "Hold out this fraction of the training set for validation (default 0: validate on the test split).",
            DefaultValueFactory = _ => 0,
        };
        var labelSmoothing = new Option<double>("--label-smoothing") { Description = "Images: mix this share of a uniform target into the cross-entropy (0.1 is usual).", DefaultValueFactory = _ => 0 };
        var validationFreq = new Option<int>("--validation-freq") { Description = "Images: validate every N epochs (and after the last one).", DefaultValueFactory = _ => 1 };
        var augment = new Option<string?>("--augment")
        {
            Description = "Augment training batches of an image data set, e.g. \"flip,rotate=15,shear=0.2,zoom=0.2,crop=0.9,brightness=0.2,contrast=0.2,cutout=8\" (preview with lepton data preview); of an audio data set, e.g. \"shift=0.1,noise=20,time_mask=10,freq_mask=6\" (its default) or none.",
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed for weights, shuffling and dropout.", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string?>("--out") { Description = "Model folder to write (default: $LEPTON_HOME/models/<model>; text, audio and tables: the --register name when given; tables otherwise the data set name)." };
        var register = new Option<string?>("--register") { Description = "Register the trained model as a new version of this name." };
        var store = RegistryOptions.Store();
        var (from, freeze, unfreezeAfter, backboneLr) = TransferCliOptions.Create();
        var vocabSize = new Option<int>("--vocab-size") { Description = "Text: byte-level BPE vocabulary size, trained on the training split.", DefaultValueFactory = _ => 8000 };
        var maxLength = new Option<int>("--max-length") { Description = "Text: tokens kept per text (the rest cut).", DefaultValueFactory = _ => 256 };
        var distributed = new Option<bool>("--distributed")
        {
            Description = "Data-parallel over the ranks of mpirun (Open MPI): each rank trains on its part of every --batch-size batch, rank 0 writes the model and records the run. Without mpirun: one process.",
        };
        var resume = new Option<bool>("--resume") { Description = "Continue from the last epoch checkpoint in the --out folder (after Ctrl+C or a dead rank)." };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var lora = LoraTrainCli.Option();
        var folds = CrossValidationCli.FoldsOption();
        var trees = new Option<int?>("--trees") { Description = "Tables (gbdt, random-forest): this many boosting rounds or trees on every training row, no early stopping (default: up to 500 rounds, stopped early on a held-out share)." };

        var cmd = new Command("train", "Train a model and write a model folder (model.json + weights.safetensors).\n\n" +
                                       "Examples:\n  lepton train --data fashion-mnist --model cnn --epochs 5 --batch-size 64 --lr 1e-3 --out models/cnn\n" +
                                       "  lepton train --data fashion-mnist --model examples/models/residual-cnn.json --epochs 2\n" +
                                       "  lepton train --data data/churn --model churn.json --task binary\n" +
                                       "  lepton train --data photos@2 --model auto --augment flip,rotate=15,zoom=0.2 --epochs 10\n" +
                                       "  lepton train --data flowers@1 --from fashion@production --freeze backbone --unfreeze-after 2 --epochs 5\n" +
                                       "  lepton train --data churn@1 --model gbdt --register churn\n" +
                                       "  lepton train --data fraud@2 --model gbdt --threshold precision=0.8 --register fraud\n" +
                                       "  lepton train --data sales@1 --model gbdt --loss poisson --register demand\n" +
                                       "  lepton train --data credit@1 --model gbdt --monotone income=decreasing,debt_ratio=increasing --additive --register credit\n" +
                                       "  lepton train --data churn@1 --model mlp --epochs 100 --lr 1e-3 --batch-size 32\n" +
                                       "  lepton train --data fraud@2 --model gbdt --class-weight balanced --calibrate isotonic --threshold f1\n" +
                                       "  lepton train --data demand@1 --model gbdt --loss poisson --intervals 0.9\n" +
                                       "  lepton train --data shifted@1 --from fashion@production --lora rank=8,alpha=16 --register fashion-shifted\n" +
                                       "  lepton train --data reviews@1 --model text-bow --epochs 10 --register reviews\n" +
                                       "  lepton train --data keywords@2 --model kws-ds-cnn --epochs 20 --augment shift=0.1,noise=20,time_mask=10,freq_mask=6 --register keywords\n" +
                                       "  mpirun --allow-run-as-root -np 2 ./lepton train --data fashion-mnist --model cnn --threads 1 --distributed --out models/cnn\n" +
                                       "  lepton train --data fashion-mnist --model cnn --out models/cnn --resume");
        foreach (var o in new Option[] { data, dataDir, task, threshold, classWeight, loss, monotone, additive, exclude, reweigh, calibrate, intervals, intervalsPerClass, intervalsMethod, weightColumn, model, epochs, batch, lr, optimizer, weightDecay, momentum, schedule, clip, valSplit, labelSmoothing, validationFreq, augment, seed, outDir, register, store, from, freeze, unfreezeAfter, backboneLr, vocabSize, maxLength, distributed, resume, threads, json, lora, folds, trees })
            cmd.Options.Add(o);

        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            if (p.GetValue(lora) is { } loraText) return await LoraTrainCli.TrainAsync(p, loraText, ct);
            // Options only a table's learners read, refused elsewhere rather than silently dropped.
            var tableOnly = new (Option Option, string Flag, string What)[]
            {
                (loss, "--loss", "sets a table regressor's loss"), (monotone, "--monotone", "constrains a table model's columns"),
                (additive, "--additive", "makes a table model a sum of one curve per column"), (exclude, "--exclude", "keeps table columns out of a model"), (reweigh, "--reweigh", "reweighs a table's training rows by a column's groups"),
                (calibrate, "--calibrate", "calibrates a table classifier's probabilities"), (intervals, "--intervals", "answers a table model's rows with conformal intervals or sets"),
                (intervalsPerClass, "--intervals-per-class", "fits a table classifier's conformal sets class by class"),
                (intervalsMethod, "--intervals-method", "says how a table regressor's conformal intervals are made"),
                (weightColumn, "--weight-column", "weighs a table's rows by one of its columns"),
            };
            await using (var tables = await ModelRegistry.OpenAsync(p.GetValue(store), ct))
            {
                // Options only the image classifier's trainer reads are refused elsewhere, not silently dropped.
                void ImagesOnly(string kind)
                {
                    if (kind != "a table")
                        foreach (var (option, flag) in new (Option, string)[] { (threshold, "--threshold"), (classWeight, "--class-weight") })
                            if (p.GetResult(option) is { Implicit: false })
                                throw new ArgumentException($"{flag} applies to image and table classifiers; {p.GetValue(data)} is {kind} data set. Leave it out.");
                    foreach (var (option, flag, what) in tableOnly)
                        if (kind != "a table" && p.GetResult(option) is { Implicit: false })
                            throw new ArgumentException($"{flag} {what}; {p.GetValue(data)} is {kind} data set. Leave it out.");
                    foreach (var (option, flag) in new (Option, string)[] { (labelSmoothing, "--label-smoothing"), (validationFreq, "--validation-freq") })
                        if (p.GetResult(option) is { Implicit: false })
                            throw new ArgumentException($"{flag} applies to image classifiers; {p.GetValue(data)} is {kind} data set. Leave it out.");
                }
                if (await TrackedTabularTraining.IsTableAsync(tables, p.GetValue(data)!, ct))
                {
                    ImagesOnly("a table");
                    var tabularModel = p.GetResult(model) is { Implicit: false } ? p.GetValue(model)! : "auto";
                    double? tableLr = p.GetResult(lr) is { Implicit: false } ? p.GetValue(lr) : null;
                    var tabular = new TabularRecipe(p.GetValue(data)!, tabularModel, (int)p.GetValue(seed), Threads: p.GetValue(threads) ?? 0,
                        Trees: TabularRecipe.TreeOptions(tabularModel, p.GetValue(trees), tableLr),
                        Mlp: TabularRecipe.MlpOptions(tabularModel, p.GetResult(epochs) is { Implicit: false } ? p.GetValue(epochs) : null, tableLr,
                            p.GetResult(batch) is { Implicit: false } ? p.GetValue(batch) : null),
                        ClassWeight: p.GetValue(classWeight), Threshold: p.GetValue(threshold)) { Loss = p.GetValue(loss), Monotone = p.GetValue(monotone), Additive = p.GetValue(additive), Exclude = p.GetValue(exclude), Reweigh = p.GetValue(reweigh), Calibrate = p.GetValue(calibrate), Intervals = p.GetValue(intervals), IntervalsPerClass = p.GetValue(intervalsPerClass), IntervalsMethod = p.GetValue(intervalsMethod), WeightColumn = p.GetValue(weightColumn) };
                    if (p.GetValue(folds) is { } tableFolds)
                        return await CrossValidationCli.RunAsync(tabular, tableFolds, p.GetValue(register) ?? tabular.Model, p.GetValue(store), p.GetValue(json), ct);
                    // Named after the table, not the learner: auto on two tables would otherwise share models/auto.
                    string tableDir = p.GetValue(outDir) ?? Path.Combine(CommonOptions.Home, "models", p.GetValue(register) ?? tabular.Data.Split('@')[0]);
                    return await TabularOutcomeView.TrainAsync(tables, tabular, tableDir, p.GetValue(register), p.GetValue(json), ct);
                }
                if (await TrackedAudioTraining.IsAudioAsync(tables, p.GetValue(data)!, ct))
                {
                    ImagesOnly("an audio");
                    if (p.GetValue(folds) is not null)
                        throw new ArgumentException($"--folds cross-validates image, table and text data set versions, fashion-mnist and tensor folders; {p.GetValue(data)} is an audio data set: train it once and read its held-out speakers' accuracy.");
                    // Options left at their image defaults take the keyword recipe's.
                    var defaults = new AudioRecipe(p.GetValue(data)!);
                    var audio = defaults with
                    {
                        Model = p.GetResult(model) is { Implicit: false } ? p.GetValue(model)! : "auto",
                        Epochs = p.GetResult(epochs) is { Implicit: false } ? p.GetValue(epochs) : defaults.Epochs,
                        BatchSize = p.GetValue(batch),
                        LearningRate = p.GetResult(lr) is { Implicit: false } ? p.GetValue(lr) : defaults.LearningRate,
                        WeightDecay = p.GetResult(weightDecay) is { Implicit: false } ? p.GetValue(weightDecay) : defaults.WeightDecay,
                        Augment = p.GetValue(augment), Seed = p.GetValue(seed),
                    };
                    string audioDir = p.GetValue(outDir) ?? Path.Combine(CommonOptions.Home, "models", p.GetValue(register) ?? audio.Model);
                    return await AudioOutcomeView.TrainAsync(tables, audio, audioDir, p.GetValue(register), p.GetValue(json), ct);
                }
                if (await TrackedTextTraining.IsTextAsync(tables, p.GetValue(data)!, ct))
                {
                    ImagesOnly("a text");
                    // Options left at their image defaults take the text recipe's (warm-up + cosine and clipping always apply).
                    var defaults = new TextRecipe(p.GetValue(data)!);
                    var text = defaults with
                    {
                        Model = p.GetResult(model) is { Implicit: false } ? p.GetValue(model)! : "auto",
                        Epochs = p.GetValue(epochs),
                        BatchSize = p.GetResult(batch) is { Implicit: false } ? p.GetValue(batch) : defaults.BatchSize,
                        LearningRate = p.GetResult(lr) is { Implicit: false } ? p.GetValue(lr) : defaults.LearningRate,
                        WeightDecay = p.GetResult(weightDecay) is { Implicit: false } ? p.GetValue(weightDecay) : defaults.WeightDecay,
                        ClipGradNorm = p.GetValue(clip) ?? defaults.ClipGradNorm,
                        VocabSize = p.GetValue(vocabSize), MaxLength = p.GetValue(maxLength), Seed = p.GetValue(seed),
                    };
                    if (p.GetValue(folds) is { } textFolds)
                        return await CrossValidationCli.RunAsync(text, textFolds, p.GetValue(register) ?? text.Model, p.GetValue(store), p.GetValue(json), ct);
                    string textDir = p.GetValue(outDir) ?? Path.Combine(CommonOptions.Home, "models", p.GetValue(register) ?? text.Model);
                    return await TextOutcomeView.TrainAsync(tables, text, textDir, p.GetValue(register), p.GetValue(json), ct);
                }
            }
            if (p.GetValue(classWeight) is not null)
                throw new ArgumentException($"--class-weight weighs the rows of a table data set; {p.GetValue(data)} is not one. Leave it out.");
            foreach (var (option, flag, what) in tableOnly)
                if (p.GetResult(option) is { Implicit: false })
                    throw new ArgumentException($"{flag} {what}; {p.GetValue(data)} is not a table data set. Leave it out.");
            TaskSpec? taskSpec = p.GetValue(task) is { } name
                ? new TaskSpec(TaskSpec.Parse(name) ?? throw new ArgumentException($"--task {name} is not a task; use multiclass, binary, multilabel or regression."),
                    ImageThreshold(p.GetValue(threshold)))
                : null;
            var recipe = new ImageClassifierRecipe(
                Data: p.GetValue(data)!, DataDir: p.GetValue(dataDir), Model: p.GetValue(model)!,
                Epochs: p.GetValue(epochs), BatchSize: p.GetValue(batch), LearningRate: p.GetValue(lr),
                Optimizer: p.GetValue(optimizer)!, WeightDecay: p.GetValue(weightDecay), Momentum: p.GetValue(momentum),
                Schedule: p.GetValue(schedule)!, ClipGradNorm: p.GetValue(clip), ValidationSplit: p.GetValue(valSplit), Seed: p.GetValue(seed), Task: taskSpec,
                Augment: p.GetValue(augment),
                Transfer: await TransferCliOptions.ResolveAsync(p, from, freeze, unfreezeAfter, backboneLr, p.GetValue(store), ct),
                Resume: p.GetValue(resume), LabelSmoothing: p.GetValue(labelSmoothing), ValidationFrequency: p.GetValue(validationFreq));
            string dir = p.GetValue(outDir) ?? Path.Combine(CommonOptions.Home, "models", Path.GetFileNameWithoutExtension(recipe.Model));
            if (p.GetValue(folds) is not null && p.GetValue(distributed)) throw new ArgumentException("--folds runs its folds in one process; drop --distributed.");
            if (p.GetValue(folds) is { } k)
                return await CrossValidationCli.RunAsync(recipe, k, p.GetValue(register) ?? Path.GetFileNameWithoutExtension(recipe.Model), p.GetValue(store), p.GetValue(json), null, ct);
            if (!p.GetValue(distributed)) return await Train(recipe, dir, p.GetValue(register), p.GetValue(store), p.GetValue(json), ct);
            using var communicator = Communicators.FromEnvironment();
            using var stopNotice = RankStopNotice.Register(communicator, Path.GetFullPath(dir));
            return await Train(recipe, dir, p.GetValue(register), p.GetValue(store), p.GetValue(json), ct, communicator);
        }));
        return cmd;
    }

    // An image model's threshold is a probability; the chosen rules (f1, precision=P) need held-out rows a table's training chooses on.
    private static double ImageThreshold(string? text) => text is null ? 0.5
        : Training.Classic.DecisionThreshold.Parse(text) is { IsChosen: false } t ? t.Value
        : throw new ArgumentException($"--threshold {text}: an image model's threshold is a probability in [0, 1] (f1, precision=P, recall=R and cost=C choose a table model's).");

    /// <summary>
    /// Runs the training workflow with a progress bar, recording the dataset version and the run in the
    /// registry (and registering the model when asked), then prints the outcome; shared with <c>lepton demo</c>.
    /// </summary>
    public static async Task<int> Train(ImageClassifierRecipe recipe, string dir, string? registerAs, string? store, bool json, CancellationToken ct,
        ICommunicator? communicator = null)
    {
        await using var registry = await ModelRegistry.OpenAsync(store, ct);
        if (communicator is { Rank: > 0 })
        {
            // Ranks other than 0 train quietly: rank 0 shows progress, records the run and writes the model.
            var rank = await TrackedTraining.RunAsync(recipe, dir, registry, registerAs, RegistryOptions.Actor, [], ct, communicator);
            Console.Error.WriteLine($"lepton train: rank {communicator.Rank} of {communicator.Size} finished {rank.Outcome.History.Epochs.Count} epoch(s).");
            return rank.Outcome.Cancelled ? CommandRunner.ExitCancelled : 0;
        }
        using var progress = new ProgressBar(interactive: json ? false : null, plainOutput: json ? TextWriter.Null : null);
        var tracked = await TrackedTraining.RunAsync(recipe, dir, registry, registerAs, RegistryOptions.Actor, [progress], ct, communicator);
        if (json) OutcomeView.WriteJson(tracked, recipe);
        else OutcomeView.Write(tracked);
        return tracked.Outcome.Cancelled ? CommandRunner.ExitCancelled : 0;
    }
}
