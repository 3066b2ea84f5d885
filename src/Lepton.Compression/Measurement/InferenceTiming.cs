using System.Diagnostics;
using Lepton.Engine;
using Lepton.NN;

namespace Lepton.Compression.Measurement;

/// <summary>How fast a model infers: the median time of one forward pass over a batch and the images per second it implies.</summary>
public sealed record InferenceSpeed(int BatchSize, double MillisecondsPerBatch, double ImagesPerSecond);

/// <summary>
/// Times models' inference on a seeded random batch (eval mode, no gradients) after warm-up, as the median over timed blocks
/// so one descheduled run does not decide. Models are timed in alternation, block by block (a, b, a, b ...), so a change in the
/// machine's load falls on every side alike. A block is one forward of a large batch, or enough forwards of a small one
/// (256 examples' worth): one model's forwards in a row, as a server runs them, keep its weights in cache, where alternating
/// forward by forward would time each model reloading them after the other.
/// </summary>
public static class InferenceTiming
{
    // Examples per timed block: a batch of 1 is timed over 256 forwards in a row, a batch of 256 over one.
    internal const int ExamplesPerBlock = 256;

    /// <summary>Times <paramref name="model"/> on inputs of <paramref name="inputShape"/> (a leading -1 becomes the batch).</summary>
    public static InferenceSpeed Measure(Module model, IReadOnlyList<int> inputShape, int batchSize = 256, int repeats = 5, CancellationToken ct = default) =>
        Compare([model], [inputShape], batchSize, repeats, ct)[0];

    /// <summary>
    /// Times each of <paramref name="models"/> (with its input shape) in alternation, <paramref name="repeats"/> blocks each;
    /// speeds in the models' order, each the median time of one forward.
    /// </summary>
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
        int perBlock = Math.Max(1, ExamplesPerBlock / batchSize);
        // Two blocks each first: the JIT's optimized code, packed weights and pooled buffers.
        for (int warm = 0; warm < 2; warm++)
            for (int m = 0; m < models.Count; m++) Block(m);
        var times = models.Select(_ => new double[repeats]).ToList();
        for (int i = 0; i < repeats; i++)
            for (int m = 0; m < models.Count; m++)
            {
                ct.ThrowIfCancellationRequested();
                times[m][i] = Block(m);
            }
        return times.Select(t =>
        {
            double median = Median(t);
            return new InferenceSpeed(batchSize, median, batchSize / (median / 1000));
        }).ToList();

        // Milliseconds per forward over one block of model m.
        double Block(int m)
        {
            var clock = Stopwatch.StartNew();
            for (int f = 0; f < perBlock; f++) Runtime.Inference.Forward(models[m], inputs[m], batchSize);
            return clock.Elapsed.TotalMilliseconds / perBlock;
        }
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
