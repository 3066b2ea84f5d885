using System.Globalization;
using Lepton.Data;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.Training.Callbacks;
using Lepton.Training.Distributed;
using Lepton.Training.Optimizers;

namespace Lepton.Training.Worker;

/// <summary>
/// A tiny image classifier trained the same way by the test (one process) and by this worker under mpirun: synthetic
/// 1x8x8 images of three classes, a conv-pool-linear net (a planned step), Adam, a checkpoint each epoch on rank 0 only.
/// </summary>
public static class ToyJob
{
    public const int Examples = 150;
    public const int BatchSize = 16;
    public const int Epochs = 3;
    public const ulong Seed = 11;
    public const string WeightsFile = "final.safetensors";
    public const string SavesLog = "saves.log";

    /// <summary>Images whose class sets which quadrant is bright, plus noise.</summary>
    public static InMemoryDataset Images()
    {
        var rng = new Generator(Seed);
        var x = new float[Examples * 64];
        var y = new int[Examples];
        for (int i = 0; i < Examples; i++)
        {
            int c = rng.NextInt(3);
            y[i] = c;
            for (int r = 0; r < 8; r++)
                for (int col = 0; col < 8; col++)
                {
                    bool lit = c switch { 0 => r < 4, 1 => col < 4, _ => (r >= 4) == (col >= 4) };
                    x[i * 64 + r * 8 + col] = (lit ? 1f : 0f) + (float)(0.3 * rng.NextGaussian());
                }
        }
        return new InMemoryDataset(Tensor.FromArray(x, Examples, 1, 8, 8), Tensor.FromArray(y, Examples), ["rows", "cols", "diagonal"]);
    }

    public static Sequential Model()
    {
        var rng = new Generator(Seed);
        return new Sequential(new Conv2d(1, 4, 3, new Conv2dOptions(Padding: 1), rng), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(64, 3, rng: rng));
    }

    /// <summary>
    /// Trains and returns the model; with a communicator, rank 0 alone appends its saves to <see cref="SavesLog"/>, keeps a
    /// checkpoint in <c>checkpoint/</c> and writes <see cref="WeightsFile"/>. Without planned steps every step records its
    /// ops and backpropagates through them (the autograd path). With <paramref name="validate"/>, each epoch is validated on
    /// the images again (under a communicator, each rank scores its part).
    /// </summary>
    public static (Sequential Model, TrainingHistory History) Run(ICommunicator? communicator, string outDir, int globalBatch = BatchSize, bool plannedSteps = true,
        bool validate = false)
    {
        var model = Model();
        var trainer = new Trainer(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: 0.01)), new CrossEntropyLoss(), new TrainerOptions(PlannedSteps: plannedSteps));
        int rank = communicator?.Rank ?? 0;
        var checkpoint = new ModelCheckpoint(Path.Combine(outDir, "checkpoint"), (m, dir) =>
        {
            File.AppendAllText(Path.Combine(outDir, SavesLog), $"rank {rank.ToString(CultureInfo.InvariantCulture)}\n");
            SafetensorsWriter.Write(Path.Combine(dir, "weights.safetensors"), m.StateDict());
        }, new ModelCheckpointOptions(Monitor: "loss"));
        var callbacks = DistributedCallbacks.OnRankZero(communicator, [checkpoint]);
        var history = trainer.Fit(Images(), validate ? Images() : null, new FitOptions(Epochs, globalBatch, Seed, Communicator: communicator), callbacks);
        if (rank == 0) SafetensorsWriter.Write(Path.Combine(outDir, WeightsFile), model.StateDict());
        return (model, history);
    }
}
