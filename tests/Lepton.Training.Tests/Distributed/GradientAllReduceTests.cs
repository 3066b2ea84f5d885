using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.Training.Distributed;

namespace Lepton.Training.Tests.Distributed;

public sealed class GradientAllReduceTests
{
    private static Parameter[] Parameters() =>
        [new Parameter(Tensor.Zeros(3), "a"), new Parameter(Tensor.Zeros(2, 2), "b"), new Parameter(Tensor.Zeros(1), "c")];

    [Theory]
    [InlineData(4)]
    [InlineData(12)]
    [InlineData(1 << 20)]
    public void Run_WeightedGradients_SumOverRanksWhateverTheBucketSize(int bucketBytes)
    {
        var results = ThreadGroup.Run(2, c =>
        {
            var ps = Parameters();
            var reduce = new GradientAllReduce(c, ps, bucketBytes);
            var grads = new GradStore();
            float r = c.Rank + 1;
            grads.Set(ps[0].Value, Tensor.FromArray(new[] { r, 2 * r, 3 * r }, 3));
            // b: only rank 1 has a gradient (a branch its examples did not reach on rank 0); c: no rank has one.
            if (c.Rank == 1) grads.Set(ps[1].Value, Tensor.FromArray(new[] { 1f, 2f, 3f, 4f }, 2, 2));
            var agreed = reduce.Run(grads, weight: c.Rank == 0 ? 0.25 : 0.75, lossFinite: true, cancel: false);
            return (A: grads[ps[0].Value]!.ToArray(), B: grads[ps[1].Value]?.ToArray(), HasC: grads.Contains(ps[2].Value), agreed, reduce.BucketCount);
        });
        foreach (var (a, b, hasC, agreed, _) in results)
        {
            // 0.25 * (1, 2, 3) + 0.75 * (2, 4, 6)
            Assert.Equal(new[] { 1.75f, 3.5f, 5.25f }, a);
            Assert.Equal(new[] { 0.75f, 1.5f, 2.25f, 3f }, b);
            Assert.False(hasC);
            Assert.Equal(new StepAgreement(true, false), agreed);
        }
        Assert.Equal(bucketBytes == 4 ? 3 + 4 + 1 + 3 + 2 : bucketBytes == 12 ? 5 : 1, results[0].BucketCount);
    }

    [Fact]
    public void Run_OneRankNonFiniteOrCancelled_EveryRankLearnsIt()
    {
        var results = ThreadGroup.Run(3, c =>
        {
            var ps = Parameters();
            var grads = new GradStore();
            foreach (var p in ps) grads.Set(p.Value, Tensor.OnesLike(p.Value));
            return new GradientAllReduce(c, ps).Run(grads, 1.0 / 3, lossFinite: c.Rank != 2, cancel: c.Rank == 0);
        });
        Assert.All(results, r => Assert.Equal(new StepAgreement(LossFiniteEverywhere: false, CancelRequested: true), r));
    }

    [Fact]
    public void Run_SharedGradientTensor_IsReducedOnceNotTwice()
    {
        var results = ThreadGroup.Run(2, c =>
        {
            var ps = new[] { new Parameter(Tensor.Zeros(2), "x"), new Parameter(Tensor.Zeros(2), "y") };
            var shared = Tensor.FromArray(new[] { 1f, 2f }, 2);
            var grads = new GradStore();
            grads.Set(ps[0].Value, shared);
            grads.Set(ps[1].Value, shared);
            new GradientAllReduce(c, ps).Run(grads, 0.5, true, false);
            return (grads[ps[0].Value]!.ToArray(), grads[ps[1].Value]!.ToArray());
        });
        Assert.All(results, r =>
        {
            Assert.Equal(new[] { 1f, 2f }, r.Item1);
            Assert.Equal(new[] { 1f, 2f }, r.Item2);
        });
    }

    [Fact]
    public void Constructor_Float64Parameter_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new GradientAllReduce(SingleProcessCommunicator.Instance, [new Parameter(Tensor.Zeros(new Shape(2), DType.Float64), "w64")]));
        Assert.Contains("w64", ex.Message);
    }

    [Fact]
    public void BroadcastState_ParametersAndBuffers_BecomeRootsOnEveryRank()
    {
        var results = ThreadGroup.Run(2, c =>
        {
            var model = new Sequential(new Lepton.NN.Layers.Linear(2, 2, rng: new Generator((ulong)c.Rank + 1)), new Lepton.NN.Layers.BatchNorm1d(2));
            if (c.Rank == 0)
                foreach (var (_, buffer) in model.NamedBuffers())
                    buffer.CopyFrom(Tensor.Full(buffer.Shape, buffer.DType == DType.Float32 ? 3 : 5, buffer.DType));
            GradientAllReduce.BroadcastState(c, model);
            return model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToDoubleArray());
        });
        Assert.Equal(results[0].Keys.Order(), results[1].Keys.Order());
        foreach (var (name, values) in results[0]) Assert.Equal(values, results[1][name]);
        Assert.Contains(results[1], kv => kv.Key.EndsWith("running_mean", StringComparison.Ordinal) && kv.Value.All(v => v == 3));
        Assert.Contains(results[1], kv => kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal) && kv.Value.All(v => v == 5));
    }
}
