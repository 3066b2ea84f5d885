using Lepton.Data.Inputs;
using Lepton.Engine;

namespace Lepton.Runtime;

/// <summary>Offline prediction through any classifier <see cref="IPredictor"/> with one fixed-shape input (<c>lepton predict</c>).</summary>
public static class ClassifierPredictions
{
    /// <summary>The shape of one example of the predictor's only input; throws naming the signature when it has several or a variable one.</summary>
    public static Shape ExampleShape(this IPredictor predictor)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        var inputs = predictor.Signature.Inputs;
        if (inputs.Count != 1 || !inputs[0].IsFixed)
            throw new InvalidOperationException(
                $"This model takes {string.Join(", ", inputs.Select(i => $"'{i.Name}' {i.BatchShapeText}"))}; file prediction fills one input of fixed shape.");
        return new Shape(inputs[0].ExampleShape);
    }

    /// <summary>
    /// Logits (N, classes) for raw inputs (N, ...), <paramref name="batchSize"/> rows per <see cref="IPredictor.Predict"/>; with
    /// <paramref name="preprocess"/> false the inputs are used as they are (converted to the input's dtype).
    /// </summary>
    public static Tensor Logits(this IPredictor predictor, Tensor raw, bool preprocess = true, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (!predictor.Signature.IsClassifier)
            throw new InvalidOperationException($"This model's outputs are {predictor.Signature.Kind}, not class logits; it has no classes to predict.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size must be >= 1, got {batchSize}.");
        var example = predictor.ExampleShape();
        if (raw.Rank != example.Rank + 1 || !raw.Shape.Dims[1..].SequenceEqual(example.Dims))
            throw new ArgumentException($"The model expects inputs (N,{string.Join(",", example.ToArray())}), got {raw.Shape}.");
        return predictor.FirstOutput([raw], preprocess, batchSize);
    }

    /// <summary>
    /// The first output (N, ...) for raw inputs (one (N, ...) tensor per signature input, in order), <paramref name="batchSize"/>
    /// rows per <see cref="IPredictor.Predict"/>; each input is preprocessed unless <paramref name="preprocess"/> is false, and
    /// converted to its dtype.
    /// </summary>
    public static Tensor FirstOutput(this IPredictor predictor, IReadOnlyList<Tensor> raw, bool preprocess = true, int batchSize = 256)
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
        if (n <= batchSize) return predictor.Predict(x.Length == 1 ? new TensorSet(x[0]) : new TensorSet(x))[0];
        var parts = new List<Tensor>();
        for (int start = 0; start < n; start += batchSize)
        {
            int s = start, e = Math.Min(n, start + batchSize);
            var slice = x.Select(t => t.Slice(0, s, e).Contiguous()).ToArray();
            parts.Add(predictor.Predict(slice.Length == 1 ? new TensorSet(slice[0]) : new TensorSet(slice))[0]);
        }
        return Tensor.Concat(parts, 0);
    }

    /// <summary>Top-k classes with softmax probabilities for each example.</summary>
    public static IReadOnlyList<Prediction> PredictClasses(this IPredictor predictor, InputBatch inputs, int top = 3, bool preprocess = true)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return TopClasses.FromLogits(predictor.Logits(inputs.Raw, preprocess), inputs.Names, predictor.Signature.ClassNames, top);
    }
}
