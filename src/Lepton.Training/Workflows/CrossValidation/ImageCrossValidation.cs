using Lepton.Data;
using Lepton.Engine;
using Lepton.Registry.Datasets.Images;
using Lepton.Training.Callbacks;
using Lepton.Training.Tasks;

namespace Lepton.Training.Workflows.CrossValidation;

/// <summary>
/// K-fold cross-validation of a training recipe on the training split of its data (an image data set version, Fashion-MNIST
/// or a tensor folder): stratified folds (<see cref="StratifiedFolds"/>, the recipe's seed); for each fold a fresh model
/// (same architecture, same initial seed, so the spread is the data's) is trained on the other folds with the recipe's
/// settings and scored on its fold, unaugmented. The recipe's test split is not touched: it stays for the final model.
/// </summary>
public static class ImageCrossValidation
{
    /// <summary>Runs the folds; <paramref name="callbacks"/> gives each fold's training callbacks (progress, run recording).</summary>
    public static CrossValidationResult Run(ImageClassifierRecipe recipe, int folds, Func<int, IReadOnlyList<ICallback>>? callbacks = null,
        Action<FoldOutcome>? onFold = null, ImageDatasetVersion? images = null, string? imagesRef = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        if (recipe.Transfer is not null) throw new ArgumentException("--folds trains fresh models; it does not combine with --from (transfer learning).");
        if (recipe.Resume) throw new ArgumentException("--folds does not combine with --resume; run the cross-validation again.");
        var shape = images is null ? (ImageDataShape?)null : ImageTrainingData.ShapeOf(images.Manifest);
        var (probe, source) = ModelSource.Resolve(recipe.Model, new Generator(recipe.Seed), shape);
        var data = images is not null
            ? ImageTrainingData.Load(recipe, images.Manifest, images.Pixels, imagesRef ?? images.Version.Name, source)
            : TrainingData.Load(recipe, probe, source);
        var train = data.Train;
        var plain = data.Reference ?? data.Train;
        var task = data.Spec.Task ?? NN.Serialization.TaskSpec.Multiclass;
        var assignment = StratifiedFolds.Assign(Labels(plain, task.Kind == NN.Serialization.TaskKind.Multiclass), folds, recipe.Seed);
        var outcomes = new List<FoldOutcome>();
        for (int fold = 0; fold < folds; fold++)
        {
            if (ct.IsCancellationRequested) break;
            var trainIdx = Enumerable.Range(0, assignment.Length).Where(i => assignment[i] != fold).ToArray();
            var heldIdx = Enumerable.Range(0, assignment.Length).Where(i => assignment[i] == fold).ToArray();
            var (model, _) = fold == 0 ? (probe, source) : ModelSource.Resolve(recipe.Model, new Generator(recipe.Seed), shape);
            var optimizer = OptimizerFactory.Create(recipe.Optimizer, model.Parameters(), recipe.LearningRate, recipe.WeightDecay, recipe.Momentum);
            int batches = (trainIdx.Length + recipe.BatchSize - 1) / recipe.BatchSize;
            var trainer = new Trainer(model, optimizer, TrainingTask.Create(task));
            var fit = new FitOptions(Epochs: recipe.Epochs, BatchSize: recipe.BatchSize, Seed: recipe.Seed, ClipGradNorm: recipe.ClipGradNorm,
                Schedule: OptimizerFactory.CreateSchedule(recipe.Schedule, recipe.LearningRate, recipe.Epochs, batches),
                LoaderWorkers: string.IsNullOrWhiteSpace(recipe.Augment) ? 1 : 2);
            var heldOut = new IndexedDataset(plain, heldIdx);
            var history = trainer.Fit(new IndexedDataset(train, trainIdx), heldOut, fit, callbacks?.Invoke(fold) ?? [], ct);
            if (history.Cancelled || history.Epochs.Count < recipe.Epochs) break;
            var outcome = new FoldOutcome(fold, trainIdx.Length, heldIdx.Length, trainer.EvaluateTask(heldOut).Metrics);
            outcomes.Add(outcome);
            onFold?.Invoke(outcome);
        }
        return new CrossValidationResult(folds, recipe.Seed, outcomes) { Cancelled = outcomes.Count < folds };
    }

    // The class id of every example (read in chunks), or zeros when the task has no classes to stratify by.
    private static int[] Labels(IDataset data, bool classes)
    {
        var labels = new int[data.Count];
        if (!classes) return labels;
        const int Chunk = 1024;
        for (int start = 0; start < data.Count; start += Chunk)
        {
            int count = Math.Min(Chunk, data.Count - start);
            var targets = data.GetBatch(Enumerable.Range(start, count).ToArray()).Targets.Contiguous().To(DType.Int32).Span<int>();
            targets.CopyTo(labels.AsSpan(start, count));
        }
        return labels;
    }
}
