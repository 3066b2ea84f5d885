using System.Text.Json;
using Lepton.Serving.Outputs;

namespace Lepton.Serving.Protocol;

/// <summary>
/// A classifier's answer for a batch: logits (N, C) as the model gave them, softmax probabilities and the
/// top class of each row. Probabilities are computed once here, in double precision for the sum. With conformal
/// <see cref="Intervals"/>, each row's prediction set too (<see cref="ConformalAnswers"/>).
/// </summary>
public sealed class ClassifierOutputs : ServedOutputs
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

    public override int Rows { get; }

    public override IReadOnlyList<string> Names => Intervals is null ? OutputNames.All : [.. OutputNames.All, ConformalAnswers.SetName];

    /// <summary>The model's conformal prediction sets, when its folder has them.</summary>
    public Lepton.Runtime.Conformal.ConformalIntervals? Intervals { get; init; }

    /// <summary>The labels of a row's prediction set, most probable first.</summary>
    public IReadOnlyList<string> SetLabels(int row)
    {
        var p = RowProbabilities(row);
        Span<double> probabilities = p.Length <= 256 ? stackalloc double[p.Length] : new double[p.Length];
        for (int k = 0; k < p.Length; k++) probabilities[k] = p[k];
        var set = Intervals!.Set(probabilities, TopClass[row]);
        var labels = new string[set.Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = Label(set[i]);
        return labels;
    }

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

    public override byte[]? WriteProtocolOutput(Utf8JsonWriter w, string name, bool binary)
    {
        if (name == ConformalAnswers.SetName && Intervals is not null)
            return ConformalAnswers.WriteSetOutput(w, [.. Enumerable.Range(0, Rows).Select(SetLabels)], binary);
        if (name == OutputNames.Label) return InferenceResponseWriter.WriteTexts(w, [.. TopClass.Select(Label)], binary);
        return InferenceResponseWriter.WriteFp32(w, name == OutputNames.Logits ? Logits : Probabilities, Rows, Classes, binary);
    }

    public override void WritePredictRow(Utf8JsonWriter w, int row, int topK)
    {
        var top = Top(row, topK);
        w.WriteString("label", top[0].Label);
        w.WriteNumber("class_index", top[0].Index);
        w.WritePropertyName("probability");
        InferenceResponseWriter.WriteFloat(w, top[0].Probability);
        w.WriteStartArray("top");
        foreach (var (index, label, probability) in top)
        {
            w.WriteStartObject();
            w.WriteString("label", label);
            w.WriteNumber("class_index", index);
            w.WritePropertyName("probability");
            InferenceResponseWriter.WriteFloat(w, probability);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (Intervals is { } intervals) ConformalAnswers.WriteSet(w, intervals, SetLabels(row));
    }

    public override LoggedRow LogRow(int row) => new(Label(TopClass[row]), TopClass[row], RowProbabilities(row).ToArray());

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
