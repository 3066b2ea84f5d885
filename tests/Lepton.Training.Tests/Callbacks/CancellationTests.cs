using Lepton.NN.Losses;
using Lepton.Training.Callbacks;
using Lepton.Training.Optimizers;

namespace Lepton.Training.Tests.Callbacks;

/// <summary>Cancelling Fit stops between batches, keeps the history of finished epochs and the last complete checkpoint.</summary>
public sealed class CancellationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lepton-cancel-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void CancelAfterNBatchesStopsCleanlyAndKeepsLastCompleteCheckpoint()
    {
        var data = ToyModels.XorBlobs(200, seed: 4);
        var model = ToyModels.Mlp();
        var optimizer = new Sgd(model.Parameters(), new SgdOptions(LearningRate: 0.1, Momentum: 0.9));
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss());
        using var cts = new CancellationTokenSource();
        // 200 examples / 32 = 7 batches per epoch; cancel during the second epoch after global batch 10.
        var recorder = new RecordingCallback((_, n) => { if (n == 10) cts.Cancel(); });
        string dir = Path.Combine(_root, "ckpt");
        var checkpoint = new ModelCheckpoint(dir, CheckpointFiles.Save);

        var history = trainer.Fit(data, data, new FitOptions(Epochs: 5, BatchSize: 32), [recorder, checkpoint], cts.Token);

        Assert.True(history.Cancelled);
        Assert.Contains("epoch 2", history.StopReason);
        Assert.Single(history.Epochs);
        Assert.Equal(10, optimizer.StepCount);
        Assert.Equal(10, history.Steps);
        Assert.Equal(["train_begin", "epoch_begin 1", "epoch_end 1", "epoch_begin 2", "train_end"], recorder.Calls);
        Assert.Equal(1, checkpoint.SavedEpoch);
        Assert.Equal(recorder.WeightsAtEpochEnd[1], CheckpointFiles.Load(dir));
        Assert.NotEqual(recorder.WeightsAtEpochEnd[1], ToyModels.Weights(model));
        Assert.Single(Directory.GetDirectories(_root));
    }

    [Fact]
    public void TokenCancelledBeforeFitRunsNoBatch()
    {
        var model = ToyModels.Mlp();
        var before = ToyModels.Weights(model);
        var trainer = new Trainer(model, new Sgd(model.Parameters()), new CrossEntropyLoss());
        var history = trainer.Fit(ToyModels.XorBlobs(50, 1), null, new FitOptions(Epochs: 2), cancellationToken: new CancellationToken(true));
        Assert.True(history.Cancelled);
        Assert.Empty(history.Epochs);
        Assert.Equal(before, ToyModels.Weights(model));
    }
}

/// <summary>A minimal save format for checkpoint tests: all weights as one binary file.</summary>
internal static class CheckpointFiles
{
    public const string FileName = "weights.bin";

    public static void Save(Lepton.NN.Module model, string dir)
    {
        var w = ToyModels.Weights(model);
        var bytes = new byte[w.Length * 4];
        Buffer.BlockCopy(w, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(Path.Combine(dir, FileName), bytes);
    }

    public static float[] Load(string dir)
    {
        var bytes = File.ReadAllBytes(Path.Combine(dir, FileName));
        var w = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, w, 0, bytes.Length);
        return w;
    }
}
