using Lepton.Engine;

namespace Lepton.Runtime.Onnx;

/// <summary>One input or output of an ONNX model as Lepton serves it: name, dtype and shape with -1 for the batch first (and for a variable axis).</summary>
public sealed record OnnxTensorInfo(string Name, DType DType, int[] Shape);

/// <summary>
/// What model.json records about an imported ONNX model: its inputs and outputs (read from the graph at registration) and,
/// for a classifier, the class names of its one (N, classes) output.
/// </summary>
public sealed record OnnxModelInfo(IReadOnlyList<OnnxTensorInfo> Inputs, IReadOnlyList<OnnxTensorInfo> Outputs, IReadOnlyList<string> ClassNames)
{
    /// <summary>A classifier: class names given and one output (N, classes) with as many classes.</summary>
    public bool IsClassifier => ClassNames.Count > 0;

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
        var outputs = Outputs.Select(o => new TensorSignature(o.Name, o.DType, o.Shape[1..])).ToList();
        return IsClassifier
            ? new PredictorSignature(inputs, outputs, OutputKind.ClassLogits, ClassNames)
            : new PredictorSignature(inputs, outputs, OutputKind.Tensors);
    }
}
