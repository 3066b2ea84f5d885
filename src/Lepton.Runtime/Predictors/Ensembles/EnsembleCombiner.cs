using Lepton.Engine;

namespace Lepton.Runtime.Ensembles;

/// <summary>
/// The arithmetic of an ensemble on its members' outputs (each (N, k), float32), in double precision with plain loops: the
/// members' model runs dominate, so this stays the readable reference. Classifier results are returned as logits so the
/// server's softmax (or sigmoid) turns them back into exactly the combined probabilities.
/// </summary>
public static class EnsembleCombiner
{
    /// <summary>The smallest probability a combined answer carries, so its logit stays finite (log(0) would be -infinity).</summary>
    public const double MinProbability = 1e-9;

    /// <summary>Soft vote of classifiers: ln(mean over members of softmax(logits))). x: M members of (N, K) → (N, K).</summary>
    public static Tensor SoftClasses(IReadOnlyList<Tensor> logits)
    {
        var (n, k, values) = Rows(logits);
        var result = new float[n * k];
        var p = new double[k];
        for (int i = 0; i < n; i++)
        {
            Array.Clear(p);
            foreach (var v in values)
            {
                var row = v.AsSpan(i * k, k);
                double max = double.NegativeInfinity;
                foreach (float z in row) max = Math.Max(max, z);
                double sum = 0;
                for (int j = 0; j < k; j++) sum += Math.Exp(row[j] - max);
                for (int j = 0; j < k; j++) p[j] += Math.Exp(row[j] - max) / sum;
            }
            for (int j = 0; j < k; j++) result[i * k + j] = (float)Math.Log(Math.Max(p[j] / values.Count, MinProbability));
        }
        return Tensor.FromArray(result, n, k);
    }

    /// <summary>
    /// Hard vote of classifiers: each member votes for its top class (the first on ties); a class's answer is ln(its share of the
    /// votes), so the softmax gives the shares and the top class is the majority (the lowest class index on a tie). (N, K) → (N, K).
    /// </summary>
    public static Tensor HardClasses(IReadOnlyList<Tensor> logits)
    {
        var (n, k, values) = Rows(logits);
        var result = new float[n * k];
        var votes = new int[k];
        for (int i = 0; i < n; i++)
        {
            Array.Clear(votes);
            foreach (var v in values)
            {
                var row = v.AsSpan(i * k, k);
                int best = 0;
                for (int j = 1; j < k; j++)
                    if (row[j] > row[best]) best = j;
                votes[best]++;
            }
            for (int j = 0; j < k; j++) result[i * k + j] = (float)Math.Log(Math.Max((double)votes[j] / values.Count, MinProbability));
        }
        return Tensor.FromArray(result, n, k);
    }

    /// <summary>Soft vote of sigmoid outputs (binary, multi-label): logit(mean over members of sigmoid(z))), element by element.</summary>
    public static Tensor SoftSigmoid(IReadOnlyList<Tensor> logits)
    {
        var (n, k, values) = Rows(logits);
        var result = new float[n * k];
        for (int e = 0; e < result.Length; e++)
        {
            double p = 0;
            foreach (var v in values) p += 1 / (1 + Math.Exp(-(double)v[e]));
            result[e] = Logit(p / values.Count);
        }
        return Tensor.FromArray(result, n, k);
    }

    /// <summary>
    /// Hard vote of sigmoid outputs: each member says yes where its probability reaches its own threshold
    /// (<paramref name="thresholds"/>, one per member); the answer is logit(share of yes), which a threshold of 0.5 decodes as the majority.
    /// </summary>
    public static Tensor HardSigmoid(IReadOnlyList<Tensor> logits, IReadOnlyList<double> thresholds)
    {
        var (n, k, values) = Rows(logits);
        if (thresholds.Count != values.Count) throw new ArgumentException($"{values.Count} members but {thresholds.Count} thresholds.", nameof(thresholds));
        var result = new float[n * k];
        for (int e = 0; e < result.Length; e++)
        {
            int yes = 0;
            for (int m = 0; m < values.Count; m++)
                if (1 / (1 + Math.Exp(-(double)values[m][e])) >= thresholds[m]) yes++;
            result[e] = Logit((double)yes / values.Count);
        }
        return Tensor.FromArray(result, n, k);
    }

    /// <summary>The element-wise mean of the members' outputs (regression values, plain tensors); any shape, all alike.</summary>
    public static Tensor Mean(IReadOnlyList<Tensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0) throw new ArgumentException("An ensemble combines at least one output, got none.", nameof(outputs));
        var shape = outputs[0].Shape;
        var sum = new double[outputs[0].Numel];
        foreach (var o in outputs)
        {
            if (o.Shape != shape) throw new ArgumentException($"Ensemble members returned outputs of shapes {shape} and {o.Shape}; members must agree.", nameof(outputs));
            var v = o.ToArray();
            for (int e = 0; e < sum.Length; e++) sum[e] += v[e];
        }
        var result = new float[sum.Length];
        for (int e = 0; e < sum.Length; e++) result[e] = (float)(sum[e] / outputs.Count);
        return Tensor.FromArray(result, shape.ToArray());
    }

    private static float Logit(double p)
    {
        p = Math.Clamp(p, MinProbability, 1 - MinProbability);
        return (float)Math.Log(p / (1 - p));
    }

    // Every member's (N, k) output as floats; all the same shape.
    private static (int N, int K, List<float[]> Values) Rows(IReadOnlyList<Tensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0) throw new ArgumentException("An ensemble combines at least one output, got none.", nameof(outputs));
        var shape = outputs[0].Shape;
        if (shape.Rank != 2) throw new ArgumentException($"An ensemble vote takes outputs (N, k), got {shape}.", nameof(outputs));
        var values = new List<float[]>(outputs.Count);
        foreach (var o in outputs)
        {
            if (o.Shape != shape) throw new ArgumentException($"Ensemble members returned outputs of shapes {shape} and {o.Shape}; members must agree.", nameof(outputs));
            values.Add(o.ToArray());
        }
        return (shape[0], shape[1], values);
    }
}
