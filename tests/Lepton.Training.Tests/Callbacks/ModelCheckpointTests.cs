using System.Text.Json;
using Lepton.NN;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.Training.Callbacks;
using Lepton.Training.Optimizers;

namespace Lepton.Training.Tests.Callbacks;

public sealed class ModelCheckpointTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lepton-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Trainer NewTrainer(out Sequential model)
    {
        model = ToyModels.Mlp();
        return new Trainer(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: 0.05)), new CrossEntropyLoss());
    }

    [Fact]
    public void SavesEveryEpochWithModelFileAndTrainingState()
    {
        var trainer = NewTrainer(out var model);
        string dir = Path.Combine(_root, "model");
        var spec = new ModelSpec { Input = new InputSpec("x", [2]), ClassNames = ["same", "opposite"] };
        var checkpoint = new ModelCheckpoint(dir, (m, d) => ModelFile.Save(d, (Sequential)m, spec));
        trainer.Fit(ToyModels.XorBlobs(100, 1), ToyModels.XorBlobs(50, 2), new FitOptions(Epochs: 3, BatchSize: 25), [checkpoint]);

        Assert.Equal(3, checkpoint.SaveCount);
        var loaded = ModelFile.Load(dir);
        Assert.Equal(ToyModels.Weights(model), ToyModels.Weights(loaded.Model));
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, ModelCheckpoint.TrainingStateFile)));
        Assert.Equal(3, state.RootElement.GetProperty("epoch").GetInt32());
        Assert.Equal([dir], Directory.GetDirectories(_root));
    }

    [Fact]
    public void FailedSaveLeavesThePreviousCheckpointWhole()
    {
        var trainer = NewTrainer(out _);
        string dir = Path.Combine(_root, "ckpt");
        var weightsAtEpoch = new Dictionary<int, float[]>();
        int saves = 0;
        var checkpoint = new ModelCheckpoint(dir, (m, d) =>
        {
            saves++;
            CheckpointFiles.Save(m, d);
            File.WriteAllText(Path.Combine(d, "partial.txt"), "half");
            if (saves == 2) throw new IOException("disk full (simulated)");
        });
        var recorder = new RecordingCallback();

        var ex = Assert.Throws<IOException>(() =>
            trainer.Fit(ToyModels.XorBlobs(100, 1), null, new FitOptions(Epochs: 3, BatchSize: 25), [recorder, checkpoint]));

        Assert.Contains("simulated", ex.Message);
        Assert.Equal(1, checkpoint.SavedEpoch);
        Assert.Equal(recorder.WeightsAtEpochEnd[1], CheckpointFiles.Load(dir));
        Assert.Equal([dir], Directory.GetDirectories(_root));
    }

    [Fact]
    public void RecoverRestoresTheSetAsideCheckpointAfterACrashBetweenRenames()
    {
        string dir = Path.Combine(_root, "ckpt");
        string old = dir + ".old-123-abc";
        string tmp = dir + ".tmp-123-abc";
        Directory.CreateDirectory(old);
        File.WriteAllText(Path.Combine(old, "w"), "previous");
        Directory.CreateDirectory(tmp);
        File.WriteAllText(Path.Combine(tmp, "w"), "unfinished");

        AtomicDirectory.Recover(dir);

        Assert.Equal("previous", File.ReadAllText(Path.Combine(dir, "w")));
        Assert.Equal([dir], Directory.GetDirectories(_root));
    }

    [Fact]
    public void SaveBestOnlySkipsEpochsThatDoNotImprove()
    {
        var trainer = NewTrainer(out _);
        string dir = Path.Combine(_root, "best");
        var saved = new List<int>();
        var recorder = new RecordingCallback();
        var checkpoint = new ModelCheckpoint(dir, (m, d) => CheckpointFiles.Save(m, d),
            new ModelCheckpointOptions(Monitor: "loss", SaveBestOnly: true));
        // lr 0: the loss never improves after the first epoch, so only epoch 1 is saved.
        trainer.Optimizer.LearningRate = 0;
        trainer.Fit(ToyModels.XorBlobs(100, 1), null, new FitOptions(Epochs: 3, BatchSize: 100, Shuffle: false), [recorder, checkpoint]);
        Assert.Equal(1, checkpoint.SaveCount);
        Assert.Equal(1, checkpoint.SavedEpoch);
    }

    [Fact]
    public void UnknownMonitorIsRejected() =>
        Assert.Contains("val_accuracy", Assert.Throws<ArgumentException>(() =>
            new ModelCheckpoint(Path.Combine(_root, "x"), (_, _) => { }, new ModelCheckpointOptions(Monitor: "val_acuracy"))).Message);
}
