using System.Globalization;
using System.Text.Json;
using Lepton.NN;

namespace Lepton.Training.Callbacks;

/// <summary>Options of <see cref="ModelCheckpoint"/>: with <c>SaveBestOnly</c>, only epochs that improve <c>Monitor</c> are saved.</summary>
public sealed record ModelCheckpointOptions(
    string Monitor = "val_loss",
    bool SaveBestOnly = false,
    MonitorMode Mode = MonitorMode.Auto,
    bool WriteTrainingState = true);

/// <summary>
/// Saves the model into a folder after each completed epoch (or each improving one), atomically:
/// the save delegate writes a fresh sibling folder, which then replaces the old checkpoint. A crash
/// or Ctrl+C therefore leaves either the previous or the new checkpoint, never a half-written one.
/// The delegate keeps this library independent of the model file format, e.g.
/// <c>(model, dir) =&gt; ModelFile.Save(dir, (Sequential)model, spec)</c>.
/// </summary>
public sealed class ModelCheckpoint : ICallback
{
    /// <summary>Name of the small JSON file with the epoch and metrics, written beside the model files.</summary>
    public const string TrainingStateFile = "checkpoint.json";

    private readonly Action<Module, string> _save;

    public ModelCheckpoint(string directory, Action<Module, string> save, ModelCheckpointOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(save);
        Directory = Path.GetFullPath(directory);
        _save = save;
        Options = options ?? new ModelCheckpointOptions();
        EpochRecord.EnsureKnownMetric(Options.Monitor);
    }

    public string Directory { get; }

    public ModelCheckpointOptions Options { get; }

    /// <summary>The epoch of the checkpoint now on disk; 0 before the first save.</summary>
    public int SavedEpoch { get; private set; }

    public int SaveCount { get; private set; }

    public double? BestValue { get; private set; }

    public void OnTrainBegin(TrainContext context)
    {
        if (Options.SaveBestOnly && Options.Monitor.StartsWith("val", StringComparison.Ordinal) && !context.HasValidation)
            throw new InvalidOperationException($"ModelCheckpoint saves the best '{Options.Monitor}' but Fit got no validation set; pass one or monitor 'loss'.");
        context.EnsureMeasured(Options.Monitor, "ModelCheckpoint");
        AtomicDirectory.Recover(Directory);
        BestValue = null;
    }

    public void OnEpochEnd(TrainContext context, EpochRecord record)
    {
        var value = record.Get(Options.Monitor);
        if (Options.SaveBestOnly)
        {
            if (value is not { } v || double.IsNaN(v))
                throw new InvalidOperationException($"ModelCheckpoint monitors '{Options.Monitor}', which epoch {record.Epoch} did not measure; pass a validation set or monitor 'loss'.");
            bool higher = MetricMode.HigherIsBetter(Options.Monitor, Options.Mode);
            if (BestValue is { } best && !(higher ? v > best : v < best)) return;
            BestValue = v;
        }
        AtomicDirectory.Write(Directory, tmp =>
        {
            _save(context.Model, tmp);
            if (Options.WriteTrainingState) WriteState(Path.Combine(tmp, TrainingStateFile), record);
        });
        SavedEpoch = record.Epoch;
        SaveCount++;
    }

    private void WriteState(string path, EpochRecord record)
    {
        var state = new Dictionary<string, object?>
        {
            ["epoch"] = record.Epoch,
            ["monitor"] = Options.Monitor,
            ["loss"] = record.TrainLoss,
            ["accuracy"] = record.TrainAccuracy,
            ["val_loss"] = record.ValidationLoss,
            ["val_accuracy"] = record.ValidationAccuracy,
            ["lr"] = record.LearningRate,
            ["saved_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in record.Metrics) state.TryAdd(name, value);
        File.WriteAllText(path, JsonSerializer.Serialize(state, new JsonSerializerOptions { WriteIndented = true }));
    }
}
