using Lepton.Compression.Measurement;
using Lepton.NN;

namespace Lepton.Compression.Quantization;

/// <summary>
/// One quantizable layer's timing: the model's median milliseconds per forward with the layer float32 and with it int8, at the
/// forward batch size and at batch 1 (everything else as chosen for the layers before it).
/// </summary>
public sealed record LayerTiming(int BatchSize, double FloatMs, double Int8Ms, double FloatMsAtOne, double Int8MsAtOne)
{
    // Within 3% counts as no slower: a shared machine's timing noise is about that, and the int8 layer is the smaller one.
    private const double Tolerance = 0.03;

    /// <summary>Whether int8 is no slower than float32 at both batch sizes.</summary>
    public bool Int8IsNoSlower => Int8Ms <= FloatMs * (1 + Tolerance) && Int8MsAtOne <= FloatMsAtOne * (1 + Tolerance);
}

/// <summary>Times two versions of a model at one batch size; the median milliseconds per forward of each.</summary>
public delegate (double Baseline, double Candidate) ModelRace(Module baseline, Module candidate, int batchSize);

/// <summary>
/// Picks each quantizable layer's precision by timing the whole model: starting from float32, layer by layer in order, the
/// int8 layer replaces the float one when the model is then no slower at batch 1 and at the forward batch size. The whole
/// model is timed, not the layer alone, because the float path fuses a convolution with its ReLU and pooling (one pass over
/// the output) where the int8 layer hands float32 to separate ones.
/// </summary>
public static class PrecisionSelection
{
    /// <summary>
    /// A race that times both models on seeded random inputs of <paramref name="inputShape"/> (leading -1: the batch). Its
    /// first race at each batch size runs untimed rounds first: a handful of large-batch forwards would otherwise time the
    /// kernels before the JIT has compiled them fully, and the first layer's decision would rest on that.
    /// </summary>
    public static ModelRace Timed(IReadOnlyList<int> inputShape, int repeats, CancellationToken ct = default)
    {
        var warmed = new HashSet<int>();
        return (baseline, candidate, batchSize) =>
        {
            if (warmed.Add(batchSize))
            {
                int forwardsPerBlock = Math.Max(1, InferenceTiming.ExamplesPerBlock / batchSize);
                int rounds = (WarmUpForwards + forwardsPerBlock - 1) / forwardsPerBlock;
                InferenceTiming.Compare([baseline, candidate], [inputShape, inputShape], batchSize, rounds, ct);
            }
            var speeds = InferenceTiming.Compare([baseline, candidate], [inputShape, inputShape], batchSize, repeats, ct);
            return (speeds[0].MillisecondsPerBatch, speeds[1].MillisecondsPerBatch);
        };
    }

    // Untimed forwards per model before the first race at a batch size: past tiered compilation's 30 calls.
    private const int WarmUpForwards = 32;

    /// <summary>
    /// The candidates (layers, or graph nodes) to run in int8, raced in the given order, and the timing that decided each:
    /// <paramref name="build"/> makes the model with exactly the given candidates in int8, ready to serve.
    /// </summary>
    public static (IReadOnlyList<int> Int8, IReadOnlyDictionary<int, LayerTiming> Timings) Choose(
        IReadOnlyList<int> candidates, Func<IReadOnlyList<int>, Module> build, int batchSize, ModelRace race)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(race);
        var chosen = new List<int>();
        var timings = new Dictionary<int, LayerTiming>();
        foreach (int i in candidates)
        {
            // Prepared as a server prepares a model: the float layers keep their packed weight panels between forwards.
            var baseline = build(chosen).PrepareForInference();
            var candidate = build([.. chosen, i]).PrepareForInference();
            var (floatMs, int8Ms) = race(baseline, candidate, batchSize);
            var (floatAtOne, int8AtOne) = batchSize == 1 ? (floatMs, int8Ms) : race(baseline, candidate, 1);
            var timing = new LayerTiming(batchSize, floatMs, int8Ms, floatAtOne, int8AtOne);
            timings[i] = timing;
            if (timing.Int8IsNoSlower) chosen.Add(i);
        }
        return (chosen, timings);
    }
}
