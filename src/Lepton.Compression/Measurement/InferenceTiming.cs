using System.Diagnostics;
using Lepton.Engine;
using Lepton.NN;

namespace Lepton.Compression.Measurement;

/// <summary>How fast a model infers: the median time of one forward pass over a batch and the images per second it implies.</summary>
public sealed record InferenceSpeed(int BatchSize, double MillisecondsPerBatch, double ImagesPerSecond);

/// <summary>
/// Times a model's inference on a seeded random batch (eval mode, no gradients), after warm-up runs, as the median of several
/// runs so one descheduled run does not decide. Compare models timed in the same process on the same machine load.
/// </summary>
public static class InferenceTiming
{
    /// <summary>Times <paramref name="model"/> on inputs of <paramref name="inputShape"/> (a leading -1 becomes the batch).</summary>
    public static InferenceSpeed Measure(Module model, IReadOnlyList<int> inputShape, int batchSize = 256, int repeats = 5, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (batchSize < 1 || repeats < 1)
            throw new ArgumentException($"Inference timing needs a batch size and a repeat count >= 1, got {batchSize} and {repeats}.");
        if (inputShape.Skip(1).Any(d => d < 1))
            throw new ArgumentException($"Inference timing needs a fixed input size after the batch, got [{string.Join(", ", inputShape)}].");
        var dims = inputShape.ToArray();
        dims[0] = batchSize;
        var x = Tensor.Randn(new Shape(dims), new Generator(0));
        for (int i = 0; i < 2; i++) Runtime.Inference.Forward(model, x, batchSize);
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            ct.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            Runtime.Inference.Forward(model, x, batchSize);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        double median = repeats % 2 == 1 ? times[repeats / 2] : (times[repeats / 2 - 1] + times[repeats / 2]) / 2;
        return new InferenceSpeed(batchSize, median, batchSize / (median / 1000));
    }
}
