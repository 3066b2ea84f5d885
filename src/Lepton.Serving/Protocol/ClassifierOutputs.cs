namespace Lepton.Serving.Protocol;

/// <summary>
/// A classifier's answer for a batch: logits (N, C) as the model gave them, softmax probabilities and the
/// top class of each row. Probabilities are computed once here, in double precision for the sum.
/// </summary>
public sealed class ClassifierOutputs
{
    public ClassifierOutputs(float[] logits, int rows, IReadOnlyList<string> classNames)
    {
        if (rows < 1 || logits.Length % rows != 0)
            throw new ArgumentException($"ClassifierOutputs: {logits.Length} logits do not split into {rows} rows.");
        Logits = logits;
        Rows = rows;
        Classes = logits.Length / rows;
        ClassNames = classNames;
        Probabilities = new float[logits.Length];
        TopClass = new int[rows];
        for (int r = 0; r < rows; r++) Softmax(logits.AsSpan(r * Classes, Classes), Probabilities.AsSpan(r * Classes, Classes), out TopClass[r]);
    }

    public float[] Logits { get; }

    public float[] Probabilities { get; }

    /// <summary>Index of the most probable class of each row.</summary>
    public int[] TopClass { get; }

    public int Rows { get; }

    public int Classes { get; }

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The class name of an index, or the index as text when the model names no classes.</summary>
    public string Label(int index) => index < ClassNames.Count ? ClassNames[index] : index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public ReadOnlySpan<float> RowProbabilities(int row) => Probabilities.AsSpan(row * Classes, Classes);

    /// <summary>The k most probable classes of a row, most probable first (ties by lower index).</summary>
    public IReadOnlyList<(int Index, string Label, float Probability)> Top(int row, int k)
    {
        var p = RowProbabilities(row);
        var order = new int[Classes];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var probs = p.ToArray();
        Array.Sort(order, (a, b) => probs[b] != probs[a] ? probs[b].CompareTo(probs[a]) : a.CompareTo(b));
        int take = Math.Clamp(k, 1, Classes);
        var top = new List<(int, string, float)>(take);
        for (int i = 0; i < take; i++) top.Add((order[i], Label(order[i]), probs[order[i]]));
        return top;
    }

    private static void Softmax(ReadOnlySpan<float> x, Span<float> y, out int argmax)
    {
        argmax = 0;
        float max = float.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] > max)
            {
                max = x[i];
                argmax = i;
            }
        }
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += y[i] = MathF.Exp(x[i] - max);
        float inv = (float)(1.0 / sum);
        for (int i = 0; i < y.Length; i++) y[i] *= inv;
    }
}
