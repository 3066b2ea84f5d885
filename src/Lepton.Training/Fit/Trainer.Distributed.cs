using Lepton.Data;
using Lepton.Training.Distributed;

namespace Lepton.Training;

public sealed partial class Trainer
{
    // Set for the length of a Fit with FitOptions.Communicator: the gradient averaging and this rank's shard.
    private GradientAllReduce? _averager;
    private RankShard? _shard;

    // Plain: batches of the whole set. With a communicator: this rank's part of each global batch, read in order.
    private DataLoader CreateLoader(IDataset train, FitOptions options)
    {
        if (options.Communicator is not { } comm)
        {
            _shard = null;
            return new DataLoader(train, new DataLoaderOptions(options.BatchSize, options.Shuffle, options.Seed, options.DropLast, options.Prefetch,
                RecycleBatches: true, Workers: options.LoaderWorkers));
        }
        if (options.BatchSize % comm.Size != 0)
            throw new ArgumentException($"Fit: BatchSize {options.BatchSize} is the global batch and must divide evenly over {comm.Size} ranks; use a multiple of {comm.Size}.", nameof(options));
        _shard = new RankShard(train, options.BatchSize, options.Seed, options.Shuffle, options.DropLast, comm.Rank, comm.Size);
        if (_shard.Count == 0)
            throw new ArgumentException($"Fit: {train.Count} training examples leave rank {comm.Rank} of {comm.Size} nothing to train on; use fewer ranks.", nameof(train));
        var loader = new DataLoader(_shard, new DataLoaderOptions(_shard.LocalBatchSize, Shuffle: false, options.Seed, DropLast: false, options.Prefetch,
            RecycleBatches: true, Workers: options.LoaderWorkers));
        if (loader.BatchCount != _shard.BatchCount)
            throw new InvalidOperationException($"Internal error: rank {comm.Rank} would take {loader.BatchCount} steps per epoch, the job {_shard.BatchCount}.");
        return loader;
    }

    // Every rank starts from rank 0's weights (and buffers), so a rank that loaded a checkpoint or drew other
    // initial weights cannot drift; the optimizers then see the same averaged gradients and stay equal.
    private void StartDistributed(FitOptions options)
    {
        if (options.Communicator is not { } comm) return;
        _averager = new GradientAllReduce(comm, Optimizer.Parameters);
        GradientAllReduce.BroadcastState(comm, Model);
    }

    // Each rank scores its part of the validation set and the sums go round, so every rank holds the whole set's loss and
    // accuracy (callbacks then decide alike everywhere) for 1/Size of the work. Metrics beyond loss and accuracy keep state
    // that cannot be summed this way, so with those every rank still validates on the whole set.
    private EvalResult EvaluateShardsOverRanks(IDataset validation)
    {
        var comm = _averager!.Communicator;
        var shard = new ValidationShard(validation, comm.Rank, comm.Size);
        var part = EvaluatePass(shard, Options.EvalBatchSize, collect: false, CancellationToken.None)!;
        Span<double> sums = [part.Loss * shard.Count, (part.Accuracy ?? 0) * shard.Count, part.Accuracy is null ? 1 : 0];
        comm.AllReduceSum(sums);
        int n = validation.Count;
        return new EvalResult(sums[0] / n, sums[2] > 0 ? null : sums[1] / n, null, part.Classes, null);
    }

    // The epoch's loss sum, example count and correct count over every rank, for the record rank 0 keeps.
    private (double LossSum, int Samples, long Correct) SumOverRanks(double lossSum, int samples, long correct)
    {
        Span<double> sums = [lossSum, samples, correct];
        _averager!.Communicator.AllReduceSum(sums);
        return (sums[0], (int)sums[1], (long)sums[2]);
    }
}
