using Lepton.Engine;

namespace Lepton.Runtime;

/// <summary>Per-example top-k classes with softmax probabilities, from a classifier's logits.</summary>
public static class TopClasses
{
    /// <summary><paramref name="logits"/> (N, classes) and one name per example to N predictions, most probable class first.</summary>
    public static IReadOnlyList<Prediction> FromLogits(Tensor logits, IReadOnlyList<string> inputNames, IReadOnlyList<string> classNames, int top)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(inputNames);
        ArgumentNullException.ThrowIfNull(classNames);
        if (logits.Rank != 2) throw new ArgumentException($"Top classes need logits (N, classes), got shape {logits.Shape}.", nameof(logits));
        var probs = logits.Softmax(-1).ToArray();
        var flat = logits.ToArray();
        int n = logits.Shape[0], c = logits.Shape[1];
        if (inputNames.Count != n) throw new ArgumentException($"{n} rows of logits but {inputNames.Count} input names.", nameof(inputNames));
        var result = new List<Prediction>(n);
        for (int i = 0; i < n; i++)
        {
            var order = Enumerable.Range(0, c).OrderByDescending(j => probs[i * c + j]).Take(Math.Clamp(top, 1, c));
            var topK = order.Select(j => (j < classNames.Count ? classNames[j] : j.ToString(System.Globalization.CultureInfo.InvariantCulture), j,
                (double)probs[i * c + j])).ToList();
            result.Add(new Prediction(inputNames[i], topK, flat.AsSpan(i * c, c).ToArray(), probs.AsSpan(i * c, c).ToArray()));
        }
        return result;
    }
}
