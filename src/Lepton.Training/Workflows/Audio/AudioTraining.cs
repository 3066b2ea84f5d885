using System.Diagnostics;
using System.Text.Json.Nodes;
using Lepton.Data.Audio;
using Lepton.Data.Audio.Augmentation;
using Lepton.Data.Audio.Features;
using Lepton.Engine;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;
using Lepton.Runtime.Audio;
using Lepton.Training.Callbacks;
using Lepton.Training.Metrics;
using Lepton.Training.Tasks;

namespace Lepton.Training.Workflows.Audio;

/// <summary>What a keyword run produced: the preset trained, its history, the test metrics and the clip counts.</summary>
public sealed record AudioOutcome(
    string Model,
    TrainingHistory History,
    IReadOnlyDictionary<string, double> TestMetrics,
    int TrainClips,
    int ValidationClips,
    int TestClips,
    double ClipSeconds,
    string Augment,
    TimeSpan Elapsed)
{
    /// <summary>True when Ctrl+C stopped the run before its last epoch (no model folder was written).</summary>
    public bool Cancelled => History.Cancelled;
}

/// <summary>
/// Trains a keyword-spotting classifier on an audio data set version: features computed once per clip and cached
/// (<see cref="AudioTrainingSet"/>), training batches augmented on the fly (time shift, background noise from the data
/// set's silence clips, SpecAugment; seeded), a <c>kws-*</c> preset sized for the features and the classes (the
/// synthesizer's <c>unknown</c> and <c>silence</c> are classes like the commands, so other words and noise are rejected),
/// AdamW under a one-cycle schedule, accuracy and macro F1 on the held-out speakers (evaluation.json), and the model folder
/// written with <c>audio_features.json</c> so predictions replay the features.
/// </summary>
public static class AudioTraining
{
    /// <summary>Class names (case-insensitive) whose training clips serve as background noise for the noise augmentation.</summary>
    public static IReadOnlyList<string> SilenceClasses { get; } = ["silence", "_silence_", "_background_noise_", "noise"];

    public static AudioOutcome Run(AudioCorpus corpus, string datasetRef, AudioRecipe recipe, string outDir, IReadOnlyList<ICallback>? callbacks = null,
        Action<string>? log = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(recipe);
        recipe.Validate();
        var manifest = corpus.Manifest;
        var classes = manifest.Classes;
        if (classes.Count < 2) throw new ArgumentException($"--data {datasetRef} has {classes.Count} class(es); a keyword model needs at least 2.");
        var clock = Stopwatch.StartNew();
        var (trainItems, validationItems, testItems) = AudioTrainingSplits.Split(manifest, (int)recipe.Seed);
        if (trainItems.Count == 0)
            throw new InvalidDataException($"{datasetRef} has no readable labelled training clips; see lepton data inspect {datasetRef}.");

        var spec = recipe.FeatureSpec(manifest.SampleRate);
        double clipSeconds = recipe.ClipSeconds ?? ClipLength(trainItems, manifest.SampleRate);
        var encoder = AudioInputEncoder.Create(spec, clipSeconds, Math.Max(recipe.MaxUploadSeconds, clipSeconds));
        var augment = recipe.AugmentSpec;
        var backgrounds = augment.Noise != 0
            ? trainItems.Where(i => SilenceClasses.Contains(i.Label!, StringComparer.OrdinalIgnoreCase)).Select(i => corpus.Clip(i).Samples).ToList()
            : [];
        var augmenter = augment.ChangesWaveform || augment.MasksFeatures ? new AudioAugmenter(augment, recipe.Seed, backgrounds) : null;
        var train = Build(corpus, trainItems, classes, spec, encoder.Samples, augmenter, ct);
        var validation = validationItems.Count > 0 ? Build(corpus, validationItems, classes, spec, encoder.Samples, null, ct) : null;
        var test = testItems.Count > 0 ? Build(corpus, testItems, classes, spec, encoder.Samples, null, ct) : null;

        string preset = recipe.Model.Equals("auto", StringComparison.OrdinalIgnoreCase) ? AudioPresets.Auto(train.Count) : recipe.Model.ToLowerInvariant();
        var model = AudioPresets.Build(preset, encoder.Frames, spec.Bins, classes.Count, new Generator(recipe.Seed));
        log?.Invoke($"{preset}: {model.ParameterCount:N0} parameters; features {spec.Kind} (1,{encoder.Frames},{spec.Bins}) of {clipSeconds:0.###} s at {spec.SampleRate} Hz; " +
                    $"{train.Count} training, {validation?.Count ?? 0} validation, {test?.Count ?? 0} test clips; augment {(augmenter is null ? "none" : augment.ToString())}" +
                    (backgrounds.Count > 0 ? $" ({backgrounds.Count} background clips)" : ""));

        var optimizer = OptimizerFactory.Create("adamw", model.Parameters(), recipe.LearningRate, recipe.WeightDecay, 0.9);
        int batches = (train.Count + recipe.BatchSize - 1) / recipe.BatchSize;
        var schedule = OptimizerFactory.CreateSchedule("onecycle", recipe.LearningRate, recipe.Epochs, batches);
        var trainer = new Trainer(model, optimizer, TrainingTask.Create(TaskSpec.Multiclass));
        // Waveform augmentation recomputes features per clip: two loader threads keep the kernels fed.
        var fit = new FitOptions(Epochs: recipe.Epochs, BatchSize: recipe.BatchSize, Seed: recipe.Seed, Schedule: schedule,
            LoaderWorkers: augment.ChangesWaveform ? 2 : 1);
        var history = trainer.Fit(train, validation, fit, callbacks, ct);

        var metrics = new Dictionary<string, double>();
        if (history.Last is { } last) metrics["train_loss"] = last.TrainLoss;
        if (!history.Cancelled && history.Epochs.Count > 0)
        {
            ClassificationReport? report = test is null ? null : trainer.Evaluate(test);
            if (report is not null)
            {
                metrics["test_accuracy"] = report.Accuracy;
                metrics["test_macro_f1"] = report.MacroAverage.F1;
                if (report.Loss is { } loss) metrics["test_loss"] = loss;
            }
            metrics["seconds_per_epoch"] = history.Epochs.Average(e => e.Duration.TotalSeconds);
            AudioModelFolder.Save(outDir, model, encoder, classes, metrics, new JsonObject
            {
                ["preset"] = preset, ["dataset"] = datasetRef, ["seed"] = recipe.Seed, ["learning_rate"] = recipe.LearningRate,
                ["epochs"] = recipe.Epochs, ["augment"] = augmenter is null ? "none" : augment.ToString(),
            });
            if (report is not null) ModelReports.WriteEvaluation(outDir, report);
        }
        return new AudioOutcome(preset, history, metrics, train.Count, validation?.Count ?? 0, test?.Count ?? 0, clipSeconds,
            augmenter is null ? "none" : augment.ToString(), clock.Elapsed);
    }

    /// <summary>The clip length a run uses by default: the 95th percentile of the training clips, rounded up to 0.1 s (0.1 to 10 s).</summary>
    public static double ClipLength(IReadOnlyList<AudioItem> train, int sampleRate)
    {
        if (train.Count == 0) return 1.0;
        var seconds = train.Select(i => i.Samples / (double)sampleRate).Order().ToArray();
        double p95 = seconds[Math.Min(seconds.Length - 1, (int)Math.Ceiling(0.95 * seconds.Length) - 1)];
        // Round to whole milliseconds first so a 1.0000001 s clip does not round up to 1.1 s.
        return Math.Clamp(Math.Ceiling(Math.Round(p95, 3) * 10) / 10, 0.1, 10);
    }

    private static AudioTrainingSet Build(AudioCorpus corpus, IReadOnlyList<AudioItem> items, IReadOnlyList<string> classes, AudioFeatureSpec spec, int samples,
        AudioAugmenter? augmenter, CancellationToken ct)
    {
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var clips = items.Select(corpus.Clip).ToList();
        var labels = items.Select(i => index[i.Label!]).ToList();
        return new AudioTrainingSet(clips, labels, classes, spec, samples, augmenter, ct);
    }
}
