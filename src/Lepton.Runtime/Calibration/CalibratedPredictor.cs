using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Calibration;

/// <summary>
/// A classifier whose raw outputs pass through its <see cref="ProbabilityCalibration"/>, so every consumer that decodes logits
/// (servers, <c>predict</c>, <c>eval</c>, monitoring, the loop) reads calibrated probabilities. Owns the model it wraps.
/// </summary>
public sealed class CalibratedPredictor : IPredictor
{
    public CalibratedPredictor(IPredictor inner, ProbabilityCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(calibration);
        var signature = inner.Signature;
        int classes = signature.Task?.Kind == TaskKind.Binary ? 2
            : signature.IsClassifier ? signature.Outputs[0].ExampleShape[0]
            : throw new InvalidDataException($"{ProbabilityCalibration.FileName} calibrates a classifier's probabilities, but this model is {(signature.Task is { } t ? TaskSpec.NameOf(t.Kind) : signature.Kind.ToString())}; delete the file.");
        if (classes != calibration.Classes)
            throw new InvalidDataException($"{ProbabilityCalibration.FileName} calibrates {calibration.Classes} classes but the model has {classes}; the files belong to different models.");
        Inner = inner;
        Calibration = calibration;
    }

    /// <summary>The model before calibration (its contributions explain the uncalibrated score).</summary>
    public IPredictor Inner { get; }

    public ProbabilityCalibration Calibration { get; }

    public string Kind => Inner.Kind;

    public PredictorSignature Signature => Inner.Signature;

    /// <summary><paramref name="inner"/> calibrated by the folder's <see cref="ProbabilityCalibration.FileName"/>, or itself when there is none.</summary>
    public static IPredictor Wrap(IPredictor inner, string folder)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ProbabilityCalibration? calibration;
        try
        {
            calibration = ProbabilityCalibration.Load(folder);
            return calibration is null ? inner : new CalibratedPredictor(inner, calibration);
        }
        catch
        {
            inner.Dispose();
            throw;
        }
    }

    public Tensor Preprocess(int input, Tensor raw) => Inner.Preprocess(input, raw);

    // outputs: (N, K) logits → (N, K) logits of the calibrated probabilities
    public TensorSet Predict(TensorSet inputs)
    {
        var outputs = Inner.Predict(inputs);
        var logits = outputs[0].To(DType.Float32).Contiguous();
        int n = logits.Shape[0], k = logits.Shape[1];
        var values = logits.ToArray<float>();
        for (int i = 0; i < n; i++) Calibration.ApplyToLogits(values.AsSpan(i * k, k));
        var calibrated = Tensor.FromArray(values, n, k);
        if (outputs.Count == 1) return calibrated;
        return new TensorSet([calibrated, .. Enumerable.Range(1, outputs.Count - 1).Select(i => outputs[i])]);
    }

    public void Dispose() => Inner.Dispose();
}
