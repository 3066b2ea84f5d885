using System.Diagnostics;
using Lepton.Engine;
using Lepton.NN;

namespace Lepton.Compression.Measurement;

/// <summary>How fast a model infers: the median time of one forward pass over a batch and the images per second it implies.</summary>
public sealed record InferenceSpeed(int BatchSize, double MillisecondsPerBatch, double ImagesPerSecond);

/// <summary>
/// Times models' inference on a seeded random batch (eval mode, no gradients), after warm-up runs, as the median of several
/// runs so one descheduled run does not decide. Several models are timed in alternation (a, b, a, b ...), so a change in the
/// machine's load during the measurement falls on every side alike.
/// </summary>
public static class InferenceTiming
{
    /// <summary>Times <paramref name="model"/> on inputs of <paramref name="inputShape"/> (a leading -1 becomes the batch).</summary>
    public static InferenceSpeed Measure(Module model, IReadOnlyList<int> inputShape, int batchSize = 256, int repeats = 5, CancellationToken ct = default) =>
        Compare([model], [inputShape], batchSize, repeats, ct)[0];

    /// <summary>Times each of <paramref name="models"/> (with its input shape) in alternation; speeds in the models' order.</summary>
    public static IReadOnlyList<InferenceSpeed> Compare(IReadOnlyList<Module> models, IReadOnlyList<IReadOnlyList<int>> inputShapes, int batchSize = 256,
        int repeats = 5, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (models.Count != inputShapes.Count) throw new ArgumentException($"Inference timing needs one input shape per model, got {models.Count} models and {inputShapes.Count} shapes.");
        if (batchSize < 1 || repeats < 1)
            throw new ArgumentException($"Inference timing needs a batch size and a repeat count >= 1, got {batchSize} and {repeats}.");
        var inputs = inputShapes.Select(shape =>
        {
            if (shape.Skip(1).Any(d => d < 1))
                throw new ArgumentException($"Inference timing needs a fixed input size after the batch, got [{string.Join(", ", shape)}].");
            var dims = shape.ToArray();
            dims[0] = batchSize;
            return Tensor.Randn(new Shape(dims), new Generator(0));
        }).ToList();
        for (int warm = 0; warm < 2; warm++)
            for (int m = 0; m < models.Count; m++) Runtime.Inference.Forward(models[m], inputs[m], batchSize);
        var times = models.Select(_ => new double[repeats]).ToList();
        for (int i = 0; i < repeats; i++)
            for (int m = 0; m < models.Count; m++)
            {
                ct.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                Runtime.Inference.Forward(models[m], inputs[m], batchSize);
                times[m][i] = clock.Elapsed.TotalMilliseconds;
            }
        return times.Select(t =>
        {
            double median = Median(t);
            return new InferenceSpeed(batchSize, median, batchSize / (median / 1000));
        }).ToList();
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double Median(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0) throw new ArgumentException("The median of no values is undefined.");
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
