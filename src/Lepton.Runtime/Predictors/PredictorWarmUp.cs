using Lepton.Engine;

namespace Lepton.Runtime;

/// <summary>
/// The default warm-up: a batch of plain examples through <see cref="IPredictor.Predict"/> (zeros for numbers, ones for integer
/// inputs, which are ids and masks: a mask of zeros is an empty example), then its outputs checked against the signature.
/// </summary>
public static class PredictorWarmUp
{
    /// <param name="requireFinite">Refuse NaN or infinite outputs: Lepton's own networks give finite outputs for these inputs
    /// unless their weights are corrupt; a graph made elsewhere may rightly give NaN for them (an input divided by its norm).</param>
    public static void Run(IPredictor predictor, int rows, bool requireFinite = true)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), $"A warm-up needs at least one row, got {rows}.");
        var signature = predictor.Signature;
        var inputs = new Tensor[signature.Inputs.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            var input = signature.Inputs[i];
            // A variable axis gets length 1: the smallest example every padded batch covers.
            int[] dims = [rows, .. input.ExampleShape.Select(d => d == -1 ? 1 : d)];
            inputs[i] = input.DType.IsInteger() ? Tensor.Full(new Shape(dims), 1, input.DType) : Tensor.Zeros(new Shape(dims), input.DType);
        }
        TensorSet outputs;
        try
        {
            outputs = predictor.Predict(new TensorSet(inputs));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException(
                $"warm-up with a batch of {rows} plain examples ({string.Join(", ", inputs.Select((t, i) => $"{signature.Inputs[i].Name} {t.Shape}"))}) failed: {e.Message}", e);
        }
        Check(signature, outputs, rows, requireFinite);
    }

    /// <summary>Outputs must match the signature in count, rows and fixed dimensions, a classifier's must be (N, classes), and none may be NaN or infinite.</summary>
    public static void Check(PredictorSignature signature, TensorSet outputs, int rows, bool requireFinite = true)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (outputs.Count != signature.Outputs.Count)
            throw new InvalidDataException($"warm-up returned {outputs.Count} output(s); the signature declares {signature.Outputs.Count} ({string.Join(", ", signature.Outputs.Select(o => o.Name))}).");
        for (int i = 0; i < outputs.Count; i++)
        {
            var output = outputs[i];
            var declared = signature.Outputs[i];
            if (signature.IsClassifier && (output.Rank != 2 || output.Shape[0] != rows))
                throw new InvalidDataException($"warm-up returned shape {output.Shape} for {rows} rows; a served classifier must return logits (N, classes).");
            if (output.Rank < 1 || output.Shape[0] != rows || !declared.Accepts(output.Shape.Dims))
                throw new InvalidDataException($"warm-up returned output '{declared.Name}' of shape {output.Shape} for {rows} rows; the signature declares {declared.BatchShapeText}.");
            if (output.DType != declared.DType)
                throw new InvalidDataException($"warm-up returned output '{declared.Name}' as {output.DType}; the signature declares {declared.DType}.");
            if (requireFinite && output.DType is DType.Float32 or DType.Float64)
            {
                foreach (var v in output.ToArray())
                {
                    if (!float.IsFinite(v))
                        throw new InvalidDataException("warm-up produced NaN or infinite outputs on a batch of zeros; the weights are likely corrupt.");
                }
            }
        }
        if (signature.IsClassifier && signature.ClassNames.Count > 0 && outputs[0].Shape[1] != signature.ClassNames.Count)
            throw new InvalidDataException($"the model returns {outputs[0].Shape[1]} outputs per row but model.json names {signature.ClassNames.Count} classes.");
    }
}
