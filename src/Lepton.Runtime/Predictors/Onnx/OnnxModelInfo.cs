using Lepton.Engine;

namespace Lepton.Runtime.Onnx;

/// <summary>
/// One input or output of an ONNX model as Lepton serves it: name, dtype and shape with -1 for the batch first (and for a variable
/// axis). An ONNX bool tensor (an attention mask) is held as UInt8 0/1, <paramref name="IsBool"/> saying so to ONNX Runtime.
/// </summary>
public sealed record OnnxTensorInfo(string Name, DType DType, int[] Shape, bool IsBool = false);

/// <summary>What a classifier's class output holds: logits (softmax gives the probabilities) or probabilities already.</summary>
public enum OnnxClassScores
{
    Logits,
    Probabilities,
}

/// <summary>
/// What model.json records about an imported ONNX model: its inputs and outputs (read from the graph at registration) and,
/// for a classifier, the class names of its (N, classes) output, which output that is (a scikit-learn export also has a label
/// output) and whether it holds logits or probabilities.
/// </summary>
public sealed record OnnxModelInfo(IReadOnlyList<OnnxTensorInfo> Inputs, IReadOnlyList<OnnxTensorInfo> Outputs, IReadOnlyList<string> ClassNames,
    string? ClassOutput = null, OnnxClassScores ClassScores = OnnxClassScores.Logits)
{
    /// <summary>A classifier: class names given and one output (N, classes) with as many classes.</summary>
    public bool IsClassifier => ClassNames.Count > 0;

    /// <summary>The outputs the predictor answers: a classifier's class output alone, every graph output otherwise.</summary>
    public IReadOnlyList<OnnxTensorInfo> Answered => IsClassifier ? [ClassOutputInfo] : Outputs;

    /// <summary>A classifier's (N, classes) output: the one named by <see cref="ClassOutput"/>, or the only output.</summary>
    public OnnxTensorInfo ClassOutputInfo => ClassOutput is null
        ? Outputs.Count == 1 ? Outputs[0] : throw new InvalidOperationException("A classifier of several outputs names its class output.")
        : Outputs.FirstOrDefault(o => o.Name == ClassOutput) ?? throw new InvalidOperationException($"The class output '{ClassOutput}' is not an output of the model.");

    /// <summary>The predictor signature: class logits for a classifier, named tensors otherwise.</summary>
    public PredictorSignature Signature()
    {
        var inputs = Inputs.Select(i =>
        {
            var example = i.Shape[1..];
            int variable = Array.IndexOf(example, -1);
            // A variable axis (token positions) is padded with zeros so examples of different lengths share a batch.
            return new TensorSignature(i.Name, i.DType, example, variable >= 0 ? new PaddingRule(variable) : null);
        }).ToList();
        var outputs = Answered.Select(o => new TensorSignature(o.Name, o.DType, o.Shape[1..])).ToList();
        return IsClassifier
            ? new PredictorSignature(inputs, outputs, OutputKind.ClassLogits, ClassNames)
            : new PredictorSignature(inputs, outputs, OutputKind.Tensors);
    }
}
