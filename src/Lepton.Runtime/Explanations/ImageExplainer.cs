using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Serialization;
using Lepton.Runtime;

namespace Lepton.Runtime.Explanations;

/// <summary>
/// Explains one image classification with Grad-CAM, gradient saliency and occlusion: the model's own network (its
/// gradients are needed, so only Lepton model folders), the input preprocessed exactly as serving does it.
/// </summary>
public static class ImageExplainer
{
    /// <summary>
    /// Loads the model in <paramref name="folder"/> and explains <paramref name="raw"/> (1,C,H,W) raw pixels, for
    /// <paramref name="cls"/> or, when null, the predicted class.
    /// </summary>
    public static Explanation ExplainFolder(string folder, Tensor raw, int? cls = null, int? occlusionWindow = null, CancellationToken ct = default)
    {
        using var predictor = PredictorLoader.Default.Load(folder);
        if (!predictor.Signature.IsClassifier || predictor.Signature.Inputs.Count != 1)
            throw new InvalidDataException($"lepton explain covers single-input classifiers; the model in {folder} is a {predictor.Signature.Kind} with {predictor.Signature.Inputs.Count} input(s).");
        var preprocessed = predictor.Preprocess(0, raw).To(DType.Float32);
        var loaded = ModelFile.Load(folder);
        CheckExplainable(loaded.Spec, "The model");
        return Explain(loaded.Model, preprocessed, loaded.Spec.ClassNames, cls, occlusionWindow, ct);
    }

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> naming the fix when the network cannot be explained by gradients: an int8
    /// model computes without autograd, so its float source (recorded in its metadata) is the one to explain.
    /// </summary>
    public static void CheckExplainable(ModelSpec spec, string display)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Metadata?["quantization"] is System.Text.Json.Nodes.JsonObject q)
            throw new InvalidDataException($"{display} is int8-quantized{(q["source_model"] is System.Text.Json.Nodes.JsonValue source ? $" from {source}" : "")}: "
                + "its layers compute without gradients, so Grad-CAM and saliency cannot run. Explain the float model it came from.");
    }

    /// <summary>Explains a preprocessed image (1,C,H,W) with a loaded network.</summary>
    public static Explanation Explain(Module model, Tensor preprocessed, IReadOnlyList<string> classNames, int? cls = null, int? occlusionWindow = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(preprocessed);
        if (preprocessed.Rank != 4 || preprocessed.Shape[0] != 1)
            throw new ArgumentException($"Explain expects one image (1,C,H,W), got {preprocessed.Shape}; explain images one at a time.");
        model.Eval();
        float[] logits;
        using (new NoGrad()) logits = model.Forward(preprocessed).Contiguous().To(DType.Float32).ToArray();
        var probabilities = new double[logits.Length];
        Lepton.NN.Tasks.ScoreMath.Softmax(logits, probabilities);
        int target = cls ?? Array.IndexOf(probabilities, probabilities.Max());
        if (target < 0 || target >= probabilities.Length)
            throw new ArgumentOutOfRangeException(nameof(cls), $"Class {target} is not one of the model's {probabilities.Length} classes (0..{probabilities.Length - 1}).");
        var (gradCam, reason) = GradCam.Compute(model, preprocessed, target);
        ct.ThrowIfCancellationRequested();
        var saliency = Saliency.Compute(model, preprocessed, target);
        var occlusion = Occlusion.Compute(model, preprocessed, target, occlusionWindow, ct);
        string name = target < classNames.Count ? classNames[target] : target.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Explanation(target, name, probabilities, gradCam, saliency, occlusion, reason);
    }
}
