using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.Registry.Datasets.Images;
using Lepton.Training.Callbacks;
using Lepton.Training.Distributed;
using Lepton.Training.Metrics;
using Lepton.Training.Tasks;
using Lepton.Training.Transfer;

namespace Lepton.Training.Workflows;

/// <summary>
/// Trains an image classifier end to end: loads and normalizes the data, builds the model, fits it with
/// a checkpoint after every epoch (so Ctrl+C keeps the last complete epoch), evaluates on the test split
/// and writes the model folder with its metrics, preprocessing and class names.
/// </summary>
public static class ImageClassifierTraining
{
    public static IReadOnlyList<string> DataSets { get; } = ["fashion-mnist"];

    /// <summary>The train and test splits, normalized with the data set's statistics.</summary>
    public static (InMemoryDataset Train, InMemoryDataset Test, Preprocessing Preprocessing) LoadData(string data, string? dataDir)
    {
        if (!string.Equals(data, "fashion-mnist", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Unknown data set '{data}'. Supported: {string.Join(", ", DataSets)} (use --data-dir for a folder holding its IDX files).");
        var train = FashionMnist.Load(dataDir, train: true);
        var test = FashionMnist.Load(dataDir, train: false);
        var pre = FashionMnist.Preprocessing;
        // Loaded images are already scaled to [0,1]; only the normalization step remains.
        pre.Normalize.ApplyInPlace(train.Inputs);
        pre.Normalize.ApplyInPlace(test.Inputs);
        return (train, test, pre);
    }

    /// <summary>
    /// Trains on <paramref name="images"/> (an image data set version, named <paramref name="imagesRef"/>) when given, else on
    /// the recipe's data (Fashion-MNIST or a tensor data set folder). With a <paramref name="communicator"/> of several ranks
    /// this process is one rank of a data-parallel run: every rank trains, rank 0 alone writes checkpoints and the model.
    /// </summary>
    public static TrainingOutcome Run(ImageClassifierRecipe recipe, string outDir, IReadOnlyList<ICallback>? callbacks = null,
        CancellationToken cancellationToken = default, ImageDatasetVersion? images = null, string? imagesRef = null,
        ICommunicator? communicator = null)
    {
        bool writes = communicator is null || communicator.Rank == 0;
        Validate(recipe);
        var rng = new Generator(recipe.Seed);
        var transfer = recipe.Transfer is null ? null : TransferLearning.Load(recipe.Transfer);
        Module model;
        string source;
        TrainingData data;
        if (images is not null)
        {
            // The data decides the preset's size, so it comes first.
            (model, source) = transfer is null ? ModelSource.Resolve(recipe.Model, rng, ImageTrainingData.ShapeOf(images.Manifest)) : (transfer.Parent.Model, transfer.Description);
            data = ImageTrainingData.Load(recipe, images.Manifest, images.Pixels, imagesRef ?? images.Version.Name, source);
        }
        else
        {
            (model, source) = transfer is null ? ModelSource.Resolve(recipe.Model, rng) : (transfer.Parent.Model, transfer.Description);
            data = TrainingData.Load(recipe, model, source);
        }
        if (transfer is not null) (model, data) = AdaptForTransfer(transfer, data, rng);
        var (train, validation, test) = (data.Train, data.Validation, data.Test);
        var optimizer = OptimizerFactory.Create(recipe.Optimizer, model.Parameters(), recipe.LearningRate, recipe.WeightDecay, recipe.Momentum);
        transfer?.ConfigureOptimizer(optimizer);
        int batches = (train.Count + recipe.BatchSize - 1) / recipe.BatchSize;
        var schedule = OptimizerFactory.CreateSchedule(recipe.Schedule, recipe.LearningRate, recipe.Epochs, batches);
        var task = recipe.LabelSmoothing > 0
            ? (data.Spec.Task.Kind == TaskKind.Multiclass
                ? new MulticlassTask(data.Spec.Task, new CrossEntropyOptions(LabelSmoothing: recipe.LabelSmoothing))
                : throw new ArgumentException($"--label-smoothing applies to single-label classifiers; this data's task is {data.Spec.Task.Kind}. Leave it out."))
            : TrainingTask.Create(data.Spec.Task);
        var trainer = new Trainer(model, optimizer, task);

        var spec = data.Spec;
        var all = new List<ICallback>(callbacks ?? []);
        if (transfer is not null) all.AddRange(transfer.Callbacks);
        if (writes)
            all.Add(new ModelCheckpoint(outDir, (m, dir) =>
            {
                ModelFile.Save(dir, m, spec);
                TrainingResume.SaveOptimizer(dir, optimizer);
            }, new ModelCheckpointOptions(Monitor: "loss")));
        // Every rank reads the checkpoint (a folder all ranks see); Fit then broadcasts rank 0's weights anyway.
        int initialEpoch = recipe.Resume ? Math.Min(TrainingResume.Load(outDir, model, optimizer), recipe.Epochs) : 0;

        var fit = new FitOptions(Epochs: recipe.Epochs, BatchSize: recipe.BatchSize, Seed: recipe.Seed, InitialEpoch: initialEpoch, Communicator: communicator,
            ClipGradNorm: recipe.ClipGradNorm, Schedule: schedule,
            // Augmenting costs CPU per image: two loader threads keep the kernels fed (bench/image-epoch).
            LoaderWorkers: string.IsNullOrWhiteSpace(recipe.Augment) ? 1 : 2, ValidationFrequency: recipe.ValidationFrequency);
        var history = trainer.Fit(train, validation, fit, all, cancellationToken);

        double seconds = history.Epochs.Sum(e => e.Duration.TotalSeconds);
        double examples = history.Epochs.Sum(e => (double)e.Samples);
        double perEpoch = history.Epochs.Count == 0 ? 0 : seconds / history.Epochs.Count;
        double rate = seconds > 0 ? examples / seconds : 0;
        if (history.Cancelled || history.Epochs.Count == 0 || !writes)
            return new TrainingOutcome(outDir, history, null, perEpoch, rate);

        if (task.Kind != TaskKind.Multiclass || data.ImagePreprocessing is null)
        {
            // Other tasks and tensor data: their own report; the drift reference profiles raw images, so only the evaluation is written.
            var evaluation = trainer.EvaluateTask(test);
            var taskMetrics = TaskTraining.PrefixedMetrics(evaluation, "test_");
            taskMetrics["train_loss"] = history.Last!.TrainLoss;
            taskMetrics["seconds_per_epoch"] = perEpoch;
            taskMetrics["images_per_second"] = rate;
            ModelFile.Save(outDir, model, spec with { Metrics = taskMetrics });
            ModelReports.WriteEvaluation(outDir, evaluation);
            return new TrainingOutcome(outDir, history, null, perEpoch, rate) { TestEvaluation = evaluation };
        }
        var report = trainer.Evaluate(test);
        var metrics = new Dictionary<string, double>
        {
            ["test_accuracy"] = report.Accuracy,
            ["test_macro_f1"] = report.MacroAverage.F1,
            ["train_loss"] = history.Last!.TrainLoss,
            ["seconds_per_epoch"] = perEpoch,
            ["images_per_second"] = rate,
        };
        if (report.Loss is { } loss) metrics["test_loss"] = loss;
        ModelFile.Save(outDir, model, spec with { Metrics = metrics });
        ModelReports.Write(outDir, data.Reference ?? train, data.ImagePreprocessing, report);
        return new TrainingOutcome(outDir, history, report, perEpoch, rate) { TestEvaluation = report };
    }

    // The parent's backbone with a head for the new data's classes; lineage (parent_model) goes into the model's metadata.
    private static (Module Model, TrainingData Data) AdaptForTransfer(TransferLearning transfer, TrainingData data, Generator rng)
    {
        transfer.CheckInput(data.Train.InputShape.ToArray());
        int classes = data.Spec.ClassNames.Count > 0 ? data.Spec.ClassNames.Count
            : throw new ArgumentException($"--from {transfer.Label}: the new data names no classes; transfer learning replaces the head of a classifier.");
        var model = transfer.Adapt(classes, rng);
        return (model, data with { Spec = data.Spec with { Metadata = transfer.WithLineage(data.Spec.Metadata) } });
    }

    private static void Validate(ImageClassifierRecipe r)
    {
        if (r.Epochs < 1) throw new ArgumentException($"--epochs must be >= 1, got {r.Epochs}.");
        if (r.BatchSize < 1) throw new ArgumentException($"--batch-size must be >= 1, got {r.BatchSize}.");
        if (!(r.LearningRate > 0)) throw new ArgumentException($"--lr must be > 0, got {r.LearningRate}.");
        if (r.ValidationSplit is < 0 or >= 1) throw new ArgumentException($"--validation-split must be in [0, 1), got {r.ValidationSplit}.");
        if (!(r.LabelSmoothing is >= 0 and < 1)) throw new ArgumentException($"--label-smoothing must be in [0, 1) (0.1 is usual), got {r.LabelSmoothing}.");
        if (r.ValidationFrequency < 1) throw new ArgumentException($"--validation-freq must be >= 1 (validate every that many epochs), got {r.ValidationFrequency}.");
    }
}
