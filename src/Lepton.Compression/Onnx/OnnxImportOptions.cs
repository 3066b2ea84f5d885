namespace Lepton.Compression.Onnx;

/// <summary>
/// How an ONNX file is checked and imported: class names of a classifier (its one output is (N, classes) of logits), and the
/// bounds a hostile file must stay within before ONNX Runtime ever sees it: file size, one tensor's declared bytes, node count.
/// </summary>
public sealed record OnnxImportOptions(
    IReadOnlyList<string>? ClassNames = null,
    long MaxFileBytes = 1L << 31,
    long MaxTensorBytes = 1L << 30,
    int MaxNodes = 200_000)
{
    public static OnnxImportOptions Default { get; } = new();
}
