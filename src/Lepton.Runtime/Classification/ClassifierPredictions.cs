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

    /// <summary>Top-k classes with softmax probabilities for each example.</summary>
    public static IReadOnlyList<Prediction> PredictClasses(this IPredictor predictor, InputBatch inputs, int top = 3, bool preprocess = true)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return TopClasses.FromLogits(predictor.Logits(inputs.Raw, preprocess), inputs.Names, predictor.Signature.ClassNames, top);
    }
}
