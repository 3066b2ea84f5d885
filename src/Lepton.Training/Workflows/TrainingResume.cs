using System.Text.Json;
using Lepton.NN;
using Lepton.NN.Serialization;
using Lepton.Training.Callbacks;
using Lepton.Training.Optimizers;

namespace Lepton.Training.Workflows;

/// <summary>
/// What an epoch checkpoint holds besides the model files, and how <c>--resume</c> picks a run up from it: the optimizer's
/// state (<see cref="OptimizerStateFile"/>) and the epoch in <c>checkpoint.json</c>. With the data order depending only on
/// (seed, epoch), a resumed run takes the same steps as one that was never interrupted.
/// </summary>
public static class TrainingResume
{
    /// <summary>Optimizer moments and step counts, beside weights.safetensors in the checkpoint folder.</summary>
    public const string OptimizerStateFile = "optimizer.safetensors";

    // checkpoint.json holds a few hundred bytes; anything near this is not one.
    private const int MaxStateBytes = 1 << 20;

    /// <summary>Writes the optimizer state into a checkpoint folder being written.</summary>
    public static void SaveOptimizer(string checkpointDir, IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        SafetensorsWriter.Write(Path.Combine(checkpointDir, OptimizerStateFile), optimizer.StateDict());
    }

    /// <summary>The epoch of the complete checkpoint in <paramref name="dir"/>; null when there is none or it cannot be read.</summary>
    public static int? SavedEpoch(string dir)
    {
        string state = Path.Combine(dir, ModelCheckpoint.TrainingStateFile);
        try
        {
            if (new FileInfo(state) is not { Exists: true, Length: <= MaxStateBytes }) return null;
            using var doc = JsonDocument.Parse(File.ReadAllText(state));
            return doc.RootElement.TryGetProperty("epoch", out var e) && e.TryGetInt32(out int epoch) && epoch >= 1 ? epoch : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Loads the last complete checkpoint in <paramref name="dir"/> into <paramref name="model"/> and
    /// <paramref name="optimizer"/> and returns its epoch (the first epoch to train is the next one).
    /// </summary>
    public static int Load(string dir, Module model, IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        // A crash between the checkpoint's two renames leaves the previous one aside; put it back first.
        AtomicDirectory.Recover(dir);
        string state = Path.Combine(dir, ModelCheckpoint.TrainingStateFile);
        if (!File.Exists(state))
            throw new FileNotFoundException($"--resume: {dir} holds no {ModelCheckpoint.TrainingStateFile}, so no epoch of this run was completed; train without --resume.");
        var info = new FileInfo(state);
        if (info.Length > MaxStateBytes) throw new InvalidDataException($"--resume: {state} is {info.Length} bytes; a checkpoint state is a few hundred.");
        int epoch;
        using (var doc = JsonDocument.Parse(File.ReadAllText(state)))
        {
            if (!doc.RootElement.TryGetProperty("epoch", out var e) || !e.TryGetInt32(out epoch) || epoch < 1)
                throw new InvalidDataException($"--resume: {state} has no positive integer \"epoch\"; it was not written by a Lepton checkpoint.");
        }
        ModelFile.LoadWeights(model, SafetensorsReader.Read(Path.Combine(dir, ModelFile.WeightsFileName)));
        string opt = Path.Combine(dir, OptimizerStateFile);
        if (!File.Exists(opt))
            throw new FileNotFoundException($"--resume: {dir} has weights for epoch {epoch} but no {OptimizerStateFile} (written since data-parallel training came); train from scratch, or fine-tune with --from.");
        optimizer.LoadStateDict(SafetensorsReader.Read(opt).ToDictionary());
        return epoch;
    }
}
