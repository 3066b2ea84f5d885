using System.Diagnostics;
using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Data.Profiles;
using Lepton.Data.Text;
using Lepton.Data.Text.Batching;
using Lepton.Data.Text.Tokenizers;
using Lepton.Engine;
using Lepton.Engine.Memory;
using Lepton.NN.Graph;
using Lepton.NN.Losses;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;
using Lepton.Runtime.Text;
using Lepton.Training.Metrics;
using Lepton.Training.Optimizers;
using Lepton.Training.Schedules;
using Lepton.Training.Tasks;

namespace Lepton.Training.Workflows.Text;

/// <summary>What a text run produced: the preset trained, the vocabulary size, the per-epoch training loss and the test metrics.</summary>
public sealed record TextOutcome(
    string Model,
    int VocabSize,
    IReadOnlyList<double> EpochLosses,
    IReadOnlyDictionary<string, double> TestMetrics,
    int TrainTexts,
    int TestTexts,
    TimeSpan Elapsed,
    bool Cancelled);

/// <summary>
/// Trains a text classifier on a text data set version: a byte-level BPE tokenizer fitted on the training texts only, a
/// text preset sized for its vocabulary and the classes, length-bucketed batches (ids (N,T) and mask (N,T)), AdamW with a
/// linear warm-up then cosine decay and the gradient norm clipped, accuracy, macro F1 and loss on the test split (evaluation.json), and the model folder
/// written with <c>tokenizer.json</c> beside model.json so predictions replay the tokenization.
/// </summary>
public static class TextTraining
{
    /// <summary>The file in a text model folder that holds its tokenizer.</summary>
    public const string TokenizerFile = TextModelFolder.TokenizerFile;

    public static TextOutcome Run(TextCorpus corpus, string datasetRef, TextRecipe recipe, string outDir, Action<string>? log = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(recipe);
        recipe.Validate();
        if (corpus.Manifest.MultiLabel)
            throw new ArgumentException($"--data {datasetRef} is multi-label; lepton train on text classifies one label per text so far.");
        var classes = corpus.Manifest.Classes;
        if (classes.Count < 2) throw new ArgumentException($"--data {datasetRef} has {classes.Count} class(es); a classifier needs at least 2.");
        var clock = Stopwatch.StartNew();
        var (trainItems, testItems) = TextTrainingSplits.Split(corpus, (int)recipe.Seed);
        if (trainItems.Count == 0)
            throw new InvalidDataException($"{datasetRef} has no labelled training texts; see lepton data inspect {datasetRef}.");

        var tokenizerModel = TokenizerTrainer.Train(trainItems.Select(x => x.Text),
            new TokenizerTrainingOptions(TokenizerKind.ByteLevelBpe, recipe.VocabSize), ct);
        var tokenizer = new TextTokenizer(tokenizerModel);
        var batching = new TextBatchOptions(MaxLength: recipe.MaxLength, BatchSize: recipe.BatchSize, Seed: recipe.Seed);
        var train = Tokenize(trainItems, tokenizer, tokenizerModel, classes, batching);
        var test = Tokenize(testItems, tokenizer, tokenizerModel, classes, batching with { Shuffle = false });

        string preset = recipe.Model.Equals("auto", StringComparison.OrdinalIgnoreCase) ? TextPresets.Auto(train.Count) : recipe.Model.ToLowerInvariant();
        int vocab = tokenizerModel.Vocab.Count;
        var model = TextPresets.Build(preset, vocab, classes.Count, recipe.MaxLength, new Generator(recipe.Seed));
        log?.Invoke($"{preset}: {model.ParameterCount:N0} parameters, vocabulary {vocab}, {train.Count} training texts, {test.Count} test texts");

        double learningRate = recipe.LearningRate ?? TextRecipe.DefaultLearningRate(preset);
        var optimizer = OptimizerFactory.Create("adamw", model.Parameters(), learningRate, recipe.WeightDecay, 0.9);
        var losses = Fit(model, optimizer, train, recipe with { LearningRate = learningRate }, log, ct);
        bool cancelled = losses.Count < recipe.Epochs;
        var metrics = new Dictionary<string, double>();
        ClassificationReport? report = null;
        if (!cancelled && test.Count > 0)
        {
            // The trainer's evaluation runs both inputs in eval mode without gradients, in order, as for images.
            report = new Trainer(model, optimizer, TrainingTask.Create(TaskSpec.Multiclass)).Evaluate(test, recipe.BatchSize);
            metrics["test_accuracy"] = report.Accuracy;
            metrics["test_macro_f1"] = report.MacroAverage.F1;
            if (report.Loss is { } loss) metrics["test_loss"] = loss;
        }
        if (losses.Count > 0) metrics["train_loss"] = losses[^1];
        if (!cancelled)
        {
            TextModelFolder.Save(outDir, model, tokenizer, classes, recipe.MaxLength, ImportNormalization(corpus.Manifest.Recipe), metrics, new JsonObject
            {
                ["preset"] = preset, ["dataset"] = datasetRef, ["seed"] = recipe.Seed, ["learning_rate"] = learningRate, ["epochs"] = recipe.Epochs,
            });
            if (report is not null) ModelReports.WriteEvaluation(outDir, report);
            BuildReference(trainItems, tokenizer, recipe.MaxLength, classes, report).Save(outDir);
        }
        return new TextOutcome(preset, vocab, losses, metrics, train.Count, test.Count, clock.Elapsed, cancelled);
    }

    /// <summary>
    /// What text drift is measured against (reference.json): up to 10,000 evenly spread training texts profiled exactly as
    /// serving will profile live texts, with the training class mix and, when a test split was scored, the true and
    /// predicted mix on it.
    /// </summary>
    internal static ReferenceProfile BuildReference(IReadOnlyList<(TextItem Item, string Text)> train, TextTokenizer tokenizer, int maxLength,
        IReadOnlyList<string> classes, ClassificationReport? heldOut)
    {
        int take = Math.Min(train.Count, ModelReports.MaxProfiledExamples);
        var texts = Enumerable.Range(0, take).Select(i => train[(int)((long)i * train.Count / take)].Text).ToArray();
        var text = TextInputEncoder.ForTokenizer(tokenizer, maxLength).BuildReference(texts);
        long[] labels, predicted;
        if (heldOut is not null)
        {
            var confusion = heldOut.ConfusionMatrix;
            labels = [.. confusion.Select(r => (long)r.Sum())];
            predicted = [.. Enumerable.Range(0, confusion.Length).Select(c => (long)confusion.Sum(r => r[c]))];
        }
        else
        {
            labels = [.. classes.Select(c => (long)train.Count(x => x.Item.Labels[0] == c))];
            predicted = new long[classes.Count]; // nothing scored: prediction drift has no reference
        }
        return ReferenceProfile.ForText(take, text, classes, labels, predicted);
    }

    /// <summary>The import's Unicode normalization as a form (null for none), so texts re-imported from this corpus are normalized alike.</summary>
    public static System.Text.NormalizationForm? ImportNormalizationForm(string importRecipe) => ImportNormalization(importRecipe) switch
    {
        "nfc" => System.Text.NormalizationForm.FormC,
        "nfkc" => System.Text.NormalizationForm.FormKC,
        _ => null,
    };

    /// <summary>The Unicode normalization the import applied (its recipe's <c>norm=</c> entry), which serving replays: nfc, nfkc or none.</summary>
    internal static string ImportNormalization(string importRecipe) =>
        importRecipe.Split(';').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("norm=", StringComparison.Ordinal)) is { } entry ? entry[5..] : "none";

    /// <summary>Token ids of each text with its class id, cut and padded as <paramref name="options"/> say.</summary>
    public static TokenizedTextDataset Tokenize(IReadOnlyList<(TextItem Item, string Text)> items, ITextEncoder encoder, TokenizerModel model,
        IReadOnlyList<string> classes, TextBatchOptions options)
    {
        var classId = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var sequences = items.Select(x => encoder.Encode(x.Text, addSpecialTokens: true).ToArray()).ToList();
        var labels = items.Select(x => new[] { classId[x.Item.Labels[0]] }).ToList();
        return new TokenizedTextDataset(sequences, labels, classes, multiLabel: false, model.PadId, options);
    }

    // One record-and-backpropagate step per length-bucketed batch; returns the mean loss of each completed epoch.
    private static List<double> Fit(GraphModel model, IOptimizer optimizer, TokenizedTextDataset train, TextRecipe recipe, Action<string>? log, CancellationToken ct)
    {
        var loader = new LengthBucketLoader(train);
        int steps = recipe.Epochs * Math.Max(1, loader.BatchCount);
        int warmup = (int)(steps * recipe.WarmupFraction);
        ILearningRateSchedule schedule = new LinearWarmupSchedule(new CosineAnnealingSchedule(recipe.LearningRate!.Value, Math.Max(1, steps - warmup)), warmup);
        var parameters = model.Parameters().Select(p => p.Value).ToArray();
        var losses = new List<double>();
        using var pool = new TensorPool();
        int step = 0;
        model.Train();
        for (int epoch = 0; epoch < recipe.Epochs; epoch++)
        {
            loader.SetEpoch(epoch);
            double sum = 0;
            int seen = 0;
            foreach (var batch in loader)
            {
                if (ct.IsCancellationRequested) return losses;
                optimizer.LearningRate = schedule.LearningRateAt(step++);
                double value;
                // As in Trainer: the step's activations and gradients come from the pool and go back to it at the end of the step.
                using (pool.BeginScope())
                {
                    var logits = model.ForwardMany(batch.AllInputs)[0]; // (N,classes)
                    var loss = CrossEntropyLoss.Apply(logits, batch.Targets);
                    value = loss.Item();
                    if (!double.IsFinite(value))
                        throw new InvalidOperationException($"The training loss became {value} at epoch {epoch + 1}; lower --lr or --clip-grad-norm.");
                    var grads = loss.Backward();
                    if (recipe.ClipGradNorm is { } max) GradientClipping.ClipByGlobalNorm(grads, max, parameters);
                    optimizer.Step(grads);
                }
                sum += value * batch.Count;
                seen += batch.Count;
            }
            losses.Add(sum / Math.Max(1, seen));
            log?.Invoke($"epoch {epoch + 1}/{recipe.Epochs}: loss {losses[^1]:F4}, lr {optimizer.LearningRate:G3}");
        }
        return losses;
    }
}
