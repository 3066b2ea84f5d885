namespace Lepton.Compression;

/// <summary>Marks the Lepton.Compression assembly: quantization, pruning, distillation, LoRA, ensembles, tuning and ONNX.</summary>
public static class CompressionAssembly
{
    /// <summary>The assembly's name, as logs and reports cite it.</summary>
    public const string Name = "Lepton.Compression";
}
