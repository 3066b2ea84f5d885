using Lepton.Engine;

namespace Lepton.Runtime;

/// <summary>Offline prediction through any <see cref="IPredictor"/>: raw inputs in, batched and preprocessed, the first output out.</summary>
public static class PredictorOutputs
{
    /// <summary>
    /// The first output (N, ...) for raw inputs (one (N, ...) tensor per signature input, in order), <paramref name="batchSize"/>
    /// rows per <see cref="IPredictor.Predict"/>; each input is preprocessed unless <paramref name="preprocess"/> is false, and
    /// converted to its dtype.
    /// </summary>
    public static Tensor FirstOutput(this IPredictor predictor, IReadOnlyList<Tensor> raw, bool preprocess = true, int batchSize = 256) =>
        predictor.AllOutputs(raw, preprocess, batchSize, first: true)[0];

    /// <summary>Every output (N, ...), in signature order, as <see cref="FirstOutput"/> computes the first.</summary>
    public static TensorSet AllOutputs(this IPredictor predictor, IReadOnlyList<Tensor> raw, bool preprocess = true, int batchSize = 256) =>
        predictor.AllOutputs(raw, preprocess, batchSize, first: false);

    private static TensorSet AllOutputs(this IPredictor predictor, IReadOnlyList<Tensor> raw, bool preprocess, int batchSize, bool first)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var declared = predictor.Signature.Inputs;
        if (raw.Count != declared.Count)
            throw new ArgumentException($"The model takes {declared.Count} input(s) ({string.Join(", ", declared.Select(i => i.Name))}), got {raw.Count}.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size must be >= 1, got {batchSize}.");
        var x = new Tensor[raw.Count];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = preprocess ? predictor.Preprocess(i, raw[i]) : raw[i];
            if (x[i].DType != declared[i].DType) x[i] = x[i].To(declared[i].DType);
        }
        int n = x[0].Shape[0];
        TensorSet Run(Tensor[] batch)
        {
            var outputs = predictor.Predict(batch.Length == 1 ? new TensorSet(batch[0]) : new TensorSet(batch));
            return first && outputs.Count > 1 ? new TensorSet(outputs[0]) : outputs;
        }
        if (n <= batchSize) return Run(x);
        var parts = new List<TensorSet>();
        for (int start = 0; start < n; start += batchSize)
        {
            int s = start, e = Math.Min(n, start + batchSize);
            parts.Add(Run([.. x.Select(t => t.Slice(0, s, e).Contiguous())]));
        }
        return new TensorSet([.. Enumerable.Range(0, parts[0].Count).Select(o => Tensor.Concat([.. parts.Select(p => p[o])], 0))]);
    }
}
