using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Store;
using Lepton.Runtime;
using Lepton.Training;
using Lepton.Training.Callbacks;
using Lepton.Training.Metrics;
using Lepton.Training.Tracking;
using Lepton.Training.Workflows;

namespace Lepton.Factory.Loop;

/// <summary>The registered challenger: its version, the run that trained it, and its training numbers.</summary>
public sealed record ChallengerResult(ModelVersion Version, string RunId, int TrainExamples, int FeedbackExamples, int Epochs, double FinalLoss,
    double BaseTestAccuracy, TimeSpan Duration);

/// <summary>
/// Trains a challenger for the champion on a mix of base data and feedback: fine-tuning the champion's weights or training
/// its architecture from scratch, recorded as a run linked to the feedback dataset version, written as a model folder with
/// its evaluation and a reference profile of the newest feedback, and registered as a new version. Cancelled training registers nothing.
/// </summary>
public sealed class ChallengerTrainer(ModelRegistry registry)
{
    /// <summary>How many of the newest feedback examples make a challenger's reference profile.</summary>
    public const int ReferenceExamples = 500;

    public async Task<ChallengerResult> TrainAsync(LoopPolicy policy, ResolvedModel champion, IBaseData baseData, FeedbackData feedback,
        FeedbackDatasetVersion dataset, string actor, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var started = DateTime.UtcNow;
        var loaded = ModelFile.Load(champion.Folder);
        var preprocessing = new ModelPredictor(loaded).Preprocessing;
        var splits = baseData.Load();
        if (!splits.Train.ClassNames.SequenceEqual(loaded.Spec.ClassNames))
            throw new InvalidDataException($"The base data {baseData.Name} has classes [{string.Join(", ", splits.Train.ClassNames)}] but champion {champion.Display} " +
                                           $"predicts [{string.Join(", ", loaded.Spec.ClassNames)}]; point the loop at the data the champion was trained on.");
        var mix = TrainingMix.Build(splits.Train, policy.BaseSampleSize, policy.Seed, feedback.ToRawDataset(feedback.Train), preprocessing, policy.FeedbackRepeat);
        var holdout = feedback.Holdout.Count == 0 ? null : feedback.ToRawDataset(feedback.Holdout);
        var validation = holdout is null ? null : new Data.InMemoryDataset(preprocessing.Apply(holdout.Inputs), holdout.Targets, holdout.ClassNames);
        var test = TrainingMix.Sample(splits.Test, policy.BaseTestSize, policy.Seed);

        var model = policy.Mode == LoopMode.FineTune ? loaded.Model : loaded.Spec.BuildModel(new Generator(policy.Seed));
        var optimizer = OptimizerFactory.Create("adam", model.Parameters(), policy.LearningRate, 0, 0.9);
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss());
        string parameters = JsonSerializer.Serialize(new
        {
            loop = policy.Model, mode = policy.Mode.ToString(), champion = champion.Display, epochs = policy.Epochs, batch_size = policy.BatchSize,
            learning_rate = policy.LearningRate, seed = policy.Seed, base_data = baseData.Name, base_sample_size = policy.BaseSampleSize,
            feedback_repeat = policy.FeedbackRepeat, feedback_train = feedback.Train.Count, train_examples = mix.Count,
        });
        var recorder = await RunRecorder.StartAsync(registry.Store, $"{policy.Model}-challenger", parameters, dataset.DatasetRef, policy.Seed, actor, ct);
        progress?.Report($"training a challenger ({policy.Mode}) on {mix.Count} examples ({feedback.Train.Count} feedback x{policy.FeedbackRepeat}) for {policy.Epochs} epochs, run {recorder.RunId}");
        string folder = Path.Combine(Path.GetTempPath(), $"lepton-challenger-{Guid.NewGuid():N}");
        try
        {
            TrainingHistory history;
            try
            {
                // Off the caller's thread: training takes a while and async callers (a server, a traffic simulator) keep running.
                history = await Task.Run(() => trainer.Fit(mix, validation, new FitOptions(Epochs: policy.Epochs, BatchSize: policy.BatchSize, Seed: policy.Seed),
                    [recorder, new EpochProgress(progress)], ct), CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await EndIfRunningAsync(recorder.RunId, ex.Message, actor);
                throw;
            }
            if (history.Cancelled || history.Epochs.Count == 0)
            {
                await recorder.CompleteAsync(history, null, actor, CancellationToken.None);
                throw new OperationCanceledException($"Challenger training was cancelled ({history.StopReason}); no version was registered.", ct);
            }
            var report = trainer.Evaluate(test);
            var metrics = new Dictionary<string, double>
            {
                ["test_accuracy"] = report.Accuracy,
                ["test_macro_f1"] = report.MacroAverage.F1,
                ["train_loss"] = history.Last!.TrainLoss,
            };
            if (history.Last.ValidationAccuracy is { } va) metrics["feedback_holdout_accuracy"] = va;
            Directory.CreateDirectory(folder);
            ModelFile.Save(folder, model, loaded.Spec with { Metrics = metrics, Metadata = Metadata(loaded.Spec, policy, champion, dataset) });
            // A calibrated champion's challenger is calibrated the same way, or promoting it would serve uncalibrated probabilities; one
            // with prediction sets gets its own at the same level (on the calibrated probabilities), or promoting it would drop them.
            var championCalibration = Lepton.Runtime.Calibration.ProbabilityCalibration.Load(champion.Folder);
            var championSets = Lepton.Runtime.Conformal.ConformalIntervals.Load(champion.Folder);
            if (championCalibration is not null || championSets is not null)
            {
                var (probabilities, labels, classes) = Probabilities(model, test);
                string source = $"the loop's base test sample ({labels.Length:N0} examples)";
                if (championCalibration is not null)
                {
                    var calibration = Training.Classic.ProbabilityCalibrator.Fit(championCalibration.Method, classes, probabilities, labels, source);
                    calibration.SaveTo(folder);
                    calibration.ApplyAll(probabilities);
                    progress?.Report($"calibrated the challenger as the champion was: {calibration.Describe()}");
                }
                if (championSets is not null)
                {
                    var sets = Lepton.Runtime.Conformal.ConformalIntervals.ForClassifier(classes, championSets.Level, probabilities, [.. labels.Select(y => (float)y)], source,
                        championSets.ClassQuantiles is not null, loaded.Spec.ClassNames);
                    sets.SaveTo(folder);
                    progress?.Report($"gave the challenger prediction sets as the champion had: {sets.Describe()}");
                }
            }
            WriteReports(folder, trainer, policy, feedback, mix, preprocessing, report);
            ct.ThrowIfCancellationRequested();
            var version = await registry.RegisterAsync(policy.Model, folder, recorder.RunId, dataset.DatasetRef, actor, ct);
            await recorder.CompleteAsync(history, new Dictionary<string, double> { ["test_accuracy"] = report.Accuracy }, actor, CancellationToken.None);
            return new ChallengerResult(version, recorder.RunId, mix.Count, feedback.Train.Count, history.Epochs.Count, history.Last.TrainLoss,
                report.Accuracy, DateTime.UtcNow - started);
        }
        catch (OperationCanceledException)
        {
            await EndIfRunningAsync(recorder.RunId, "cancelled", actor, RunStatus.Cancelled);
            throw;
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The model's probabilities of the base test sample, which it never trained on, that a calibration and prediction sets are fitted on
    /// (the loop judges both models' accuracy there too: a temperature, the usual method for a network, leaves every answer as it is):
    /// (N) a yes/no model's positive probability or (N, K), the labels, and the class count.
    /// </summary>
    private static (double[] Probabilities, int[] Labels, int Classes) Probabilities(Module model, InMemoryDataset test)
    {
        // logits: (N, K), or (N, 1) for a yes/no model
        var logits = Inference.Forward(model, test.Inputs).To(DType.Float32).Contiguous().ToArray<float>();
        int n = test.Count, k = logits.Length / Math.Max(1, n);
        var labels = test.Targets.To(DType.Int32).Contiguous().ToArray<int>();
        double[] probabilities;
        if (k == 1) probabilities = [.. logits.Select(z => 1 / (1 + Math.Exp(-z)))];
        else
        {
            probabilities = new double[n * k];
            for (int i = 0; i < n; i++) Lepton.NN.Tasks.ScoreMath.Softmax(logits.AsSpan(i * k, k), probabilities.AsSpan(i * k, k));
        }
        return (probabilities, labels, k == 1 ? 2 : k);
    }

    private async Task EndIfRunningAsync(string runId, string error, string actor, RunStatus status = RunStatus.Failed)
    {
        var run = await registry.Store.GetRunAsync(runId, CancellationToken.None);
        if (run?.Status == RunStatus.Running) await registry.Store.EndRunAsync(runId, status, error, actor, CancellationToken.None);
    }

    /// <summary>
    /// The evaluation on the base test sample, and the reference monitoring compares live traffic with. A challenger is
    /// trained for the traffic of late, so its reference is the newest labelled feedback (inputs, true labels and its own
    /// predictions on them) when there is at least <see cref="LoopPolicy.MinFeedback"/> of it; otherwise the training mix.
    /// Profiling the mix would keep the drift alert that started the loop firing against the new champion, and a watching
    /// loop would retrain again and again.
    /// </summary>
    private static void WriteReports(string folder, Trainer trainer, LoopPolicy policy, FeedbackData feedback, InMemoryDataset mix,
        Preprocessing preprocessing, ClassificationReport baseTest)
    {
        ModelReports.WriteEvaluation(folder, baseTest);
        var recent = feedback.Train.Concat(feedback.Holdout).OrderByDescending(e => e.ReceivedAt).ThenBy(e => e.PredictionId, StringComparer.Ordinal)
            .Take(ReferenceExamples).ToList();
        if (recent.Count < policy.MinFeedback)
        {
            ModelReports.BuildReference(mix, preprocessing, baseTest).Save(folder);
            return;
        }
        var raw = feedback.ToRawDataset(recent);
        var live = new InMemoryDataset(preprocessing.Apply(raw.Inputs), raw.Targets, raw.ClassNames);
        ModelReports.BuildReference(live, preprocessing, trainer.Evaluate(live)).Save(folder);
    }

    private static JsonObject Metadata(ModelSpec champion, LoopPolicy policy, ResolvedModel from, FeedbackDatasetVersion dataset)
    {
        var meta = champion.Metadata?.DeepClone().AsObject() ?? new JsonObject();
        meta["loop_mode"] = policy.Mode.ToString();
        meta["champion"] = from.Display;
        meta["feedback_dataset"] = dataset.DatasetRef;
        meta["epochs"] = policy.Epochs;
        meta["batch_size"] = policy.BatchSize;
        meta["learning_rate"] = policy.LearningRate;
        meta["seed"] = policy.Seed;
        meta["created_utc"] = DateTime.UtcNow.ToString("O");
        return meta;
    }

    /// <summary>One progress line per finished epoch.</summary>
    private sealed class EpochProgress(IProgress<string>? progress) : ICallback
    {
        public void OnEpochEnd(TrainContext context, EpochRecord record) =>
            progress?.Report($"  epoch {record.Epoch}: loss {record.TrainLoss:F4}" +
                             (record.ValidationAccuracy is { } v ? $", feedback holdout accuracy {v:F4}" : ""));
    }
}
