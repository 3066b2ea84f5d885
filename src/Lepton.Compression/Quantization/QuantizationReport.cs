namespace Lepton.Compression.Quantization;

/// <summary>One class of a <see cref="QuantizationReport"/>: its examples and the share each model got right.</summary>
public sealed record ClassAccuracy(string Class, int Examples, double FloatAccuracy, double Int8Accuracy);

/// <summary>The int8 model against its float original on the same examples: top-1 of both, how often they agree, and per class.</summary>
public sealed record QuantizationReport(int Examples, double FloatAccuracy, double Int8Accuracy, double Agreement, IReadOnlyList<ClassAccuracy> PerClass)
{
    /// <summary>Int8 accuracy minus float accuracy, in percentage points.</summary>
    public double DropPoints => (FloatAccuracy - Int8Accuracy) * 100;

    /// <summary>Compares predicted class ids of both models against <paramref name="labels"/> (ids into <paramref name="classes"/>).</summary>
    public static QuantizationReport Compare(ReadOnlySpan<int> labels, ReadOnlySpan<int> floatPredicted, ReadOnlySpan<int> int8Predicted, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (floatPredicted.Length != labels.Length || int8Predicted.Length != labels.Length)
            throw new ArgumentException($"QuantizationReport: {labels.Length} labels, {floatPredicted.Length} float and {int8Predicted.Length} int8 predictions; give one of each per example.");
        int n = labels.Length, k = classes.Count;
        var count = new int[k];
        var floatRight = new int[k];
        var int8Right = new int[k];
        int agree = 0, fr = 0, qr = 0;
        for (int i = 0; i < n; i++)
        {
            int y = labels[i];
            if ((uint)y >= (uint)k) throw new ArgumentException($"QuantizationReport: label {y} at example {i} is not one of the {k} classes.");
            count[y]++;
            if (floatPredicted[i] == y) { floatRight[y]++; fr++; }
            if (int8Predicted[i] == y) { int8Right[y]++; qr++; }
            if (floatPredicted[i] == int8Predicted[i]) agree++;
        }
        var perClass = Enumerable.Range(0, k)
            .Select(c => new ClassAccuracy(classes[c], count[c], Share(floatRight[c], count[c]), Share(int8Right[c], count[c]))).ToList();
        return new QuantizationReport(n, Share(fr, n), Share(qr, n), Share(agree, n), perClass);
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}
