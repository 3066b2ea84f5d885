using Lepton.Runtime.Onnx;

namespace Lepton.Compression.Onnx;

/// <summary>
/// How an ONNX file is checked and imported: class names of a classifier (its float32 (N, classes) output; null
/// <paramref name="ClassScores"/> reads probabilities when that output's name says "prob", logits otherwise), and the bounds a
/// hostile file must stay within before ONNX Runtime ever sees it: file size, one tensor's declared bytes, node count.
/// </summary>
public sealed record OnnxImportOptions(
    IReadOnlyList<string>? ClassNames = null,
    OnnxClassScores? ClassScores = null,
    long MaxFileBytes = 1L << 31,
    long MaxTensorBytes = 1L << 30,
    int MaxNodes = 200_000)
{
    public static OnnxImportOptions Default { get; } = new();
}
