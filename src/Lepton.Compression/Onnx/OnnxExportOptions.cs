namespace Lepton.Compression.Onnx;

/// <summary>
/// How <see cref="OnnxExporter"/> writes a model: the symbolic name of the batch dimension every input and output shares,
/// and the model name recorded in the graph.
/// </summary>
public sealed record OnnxExportOptions(string BatchDimension = "N", string GraphName = "lepton")
{
    public static OnnxExportOptions Default { get; } = new();
}
