using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Losses;
using Lepton.Training.Callbacks;
using Lepton.Training.Distributed;
using Lepton.Training.Optimizers;
using Lepton.Training.Worker;

namespace Lepton.Training.Tests.Distributed;

public sealed class DistributedFitTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-ddp-" + Guid.NewGuid().ToString("N"));

    public DistributedFitTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fit_SingleProcessCommunicator_ReproducesPlainFitBitForBit(bool plannedSteps)
    {
        var (plain, plainHistory) = ToyJob.Run(null, Dir("plain"), plannedSteps: plannedSteps);
        var (single, singleHistory) = ToyJob.Run(SingleProcessCommunicator.Instance, Dir("single"), plannedSteps: plannedSteps);

        Assert.Equal(plannedSteps, plainHistory.PlannedSteps > 0);
        Assert.Equal(ToyModels.Weights(plain), ToyModels.Weights(single));
        Assert.Equal(plainHistory.Epochs.Select(e => e.TrainLoss), singleHistory.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(plainHistory.Epochs.Select(e => e.TrainAccuracy), singleHistory.Epochs.Select(e => e.TrainAccuracy));
        Assert.Equal(plainHistory.Steps, singleHistory.Steps);
    }

    // 150 examples: batch 16 over 2 ranks splits the last batch of 6 as 3+3, over 4 ranks as 1+2+1+2; batch 24 over 3 as 2+2+2.
    [Theory]
    [InlineData(2, 16, true)]
    [InlineData(2, 16, false)]
    [InlineData(3, 24, true)]
    [InlineData(4, 16, true)]
    public void Fit_RanksWithGlobalBatch_MatchOneProcessWithThatBatch(int ranks, int globalBatch, bool plannedSteps)
    {
        var (reference, referenceHistory) = ToyJob.Run(null, Dir("one"), globalBatch, plannedSteps);
        string shared = Dir("ranks");
        var results = ThreadGroup.Run(ranks, c => ToyJob.Run(c, shared, globalBatch, plannedSteps));

        var expected = ToyModels.Weights(reference);
        var rank0 = ToyModels.Weights(results[0].Model);
        Assert.Equal(expected.Length, rank0.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - rank0[i]) <= 1e-5, $"weight {i}: one process {expected[i]}, {ranks} ranks {rank0[i]}");
        // Every rank applied the same averaged gradients, so the replicas are identical, not merely close.
        foreach (var r in results.Skip(1)) Assert.Equal(rank0, ToyModels.Weights(r.Model));
        for (int e = 0; e < ToyJob.Epochs; e++)
        {
            Assert.Equal(referenceHistory.Epochs[e].TrainLoss, results[0].History.Epochs[e].TrainLoss, 5);
            Assert.Equal(referenceHistory.Epochs[e].TrainAccuracy, results[0].History.Epochs[e].TrainAccuracy);
            Assert.Equal(ToyJob.Examples, results[0].History.Epochs[e].Samples);
        }
        Assert.Equal(Enumerable.Repeat("rank 0", ToyJob.Epochs), File.ReadAllLines(Path.Combine(shared, ToyJob.SavesLog)));
    }

    // 150 validation examples over 4 ranks: parts of 37, 38, 37 and 38, scored apart and summed.
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Fit_RanksValidateTheirPartsAndAgreeOnTheWholeSetsLossAndAccuracy(int ranks)
    {
        var (_, reference) = ToyJob.Run(null, Dir("one"), validate: true);
        string shared = Dir("ranks");
        var results = ThreadGroup.Run(ranks, c => ToyJob.Run(c, shared, validate: true));

        for (int e = 0; e < ToyJob.Epochs; e++)
        {
            var expected = reference.Epochs[e];
            foreach (var r in results)
            {
                var got = r.History.Epochs[e];
                Assert.Equal(expected.ValidationLoss!.Value, got.ValidationLoss!.Value, 4);
                Assert.Equal(expected.ValidationAccuracy!.Value, got.ValidationAccuracy!.Value, 6);
                Assert.Equal(results[0].History.Epochs[e].ValidationLoss, got.ValidationLoss);
            }
        }
    }

    [Fact]
    public void ValidationShard_PartsCoverEveryExampleOnce()
    {
        var data = ToyJob.Images();
        var seen = new List<float>();
        for (int rank = 0; rank < 4; rank++)
        {
            var shard = new ValidationShard(data, rank, 4);
            Assert.InRange(shard.Count, 37, 38);
            var batch = shard.GetBatch(Enumerable.Range(0, shard.Count).ToArray());
            seen.AddRange(batch.Inputs.ToArray());
        }
        Assert.Equal(data.GetBatch(Enumerable.Range(0, data.Count).ToArray()).Inputs.ToArray(), seen);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ValidationShard(data, 0, 4).GetBatch([38]));
    }

    [Fact]
    public void Fit_CancelOnOneRank_AllRanksStopAfterTheSameStep()
    {
        var results = ThreadGroup.Run(2, c =>
        {
            var model = ToyJob.Model();
            var optimizer = new Adam(model.Parameters());
            var trainer = new Trainer(model, optimizer, new CrossEntropyLoss());
            using var cts = new CancellationTokenSource();
            // Only rank 1 is told to stop, at the start of epoch 2's third step.
            var stopper = new CancelAt(c.Rank == 1 ? cts : null, epoch: 2, batch: 3);
            var history = trainer.Fit(ToyJob.Images(), null, new FitOptions(3, ToyJob.BatchSize, ToyJob.Seed, Communicator: c), [stopper], cts.Token);
            return (history, optimizer.StepCount, Weights: ToyModels.Weights(model));
        });

        int perEpoch = (ToyJob.Examples + ToyJob.BatchSize - 1) / ToyJob.BatchSize;
        foreach (var (history, steps, _) in results)
        {
            Assert.True(history.Cancelled);
            Assert.Single(history.Epochs);
            // The step that carried the cancel is not applied anywhere: two steps of epoch 2 ran.
            Assert.Equal(perEpoch + 2, steps);
        }
        Assert.Equal(results[0].Weights, results[1].Weights);
    }

    [Fact]
    public void Fit_RanksStartingFromDifferentWeights_TrainFromRankZeros()
    {
        var results = ThreadGroup.Run(2, c =>
        {
            var model = ToyJob.Model();
            if (c.Rank == 1)
                using (new NoGrad())
                    foreach (var p in model.Parameters()) p.Value.CopyFrom(Tensor.Zeros(p.Shape));
            var trainer = new Trainer(model, new Adam(model.Parameters()), new CrossEntropyLoss());
            trainer.Fit(ToyJob.Images(), null, new FitOptions(1, ToyJob.BatchSize, ToyJob.Seed, Communicator: c));
            return ToyModels.Weights(model);
        });
        Assert.Equal(results[0], results[1]);
        Assert.Contains(results[0], v => v != 0);
    }

    [Fact]
    public void Fit_BatchNotMultipleOfRanks_ThrowsNamingTheFix()
    {
        var errors = ThreadGroup.Run(2, c =>
        {
            var model = ToyJob.Model();
            var trainer = new Trainer(model, new Adam(model.Parameters()), new CrossEntropyLoss());
            return Assert.Throws<ArgumentException>(() => trainer.Fit(ToyJob.Images(), null, new FitOptions(1, 15, Communicator: c)));
        });
        Assert.All(errors, e => Assert.Contains("multiple of 2", e.Message));
    }

    [Fact]
    public void Communicators_WithoutMpirunVariable_AreOneProcess()
    {
        Assert.Same(SingleProcessCommunicator.Instance, Communicators.FromEnvironment(_ => null));
        Assert.False(Communicators.LaunchedByMpirun(_ => ""));
        Assert.True(Communicators.LaunchedByMpirun(name => name == Communicators.WorldSizeVariable ? "2" : null));
    }

    private sealed class CancelAt(CancellationTokenSource? cts, int epoch, int batch) : ICallback
    {
        public void OnBatchBegin(TrainContext context, int e, int b, long globalStep)
        {
            if (e == epoch && b == batch) cts?.Cancel();
        }
    }
}
