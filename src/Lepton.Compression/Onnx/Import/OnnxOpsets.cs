namespace Lepton.Compression.Onnx.Import;

/// <summary>The operator-set domains and versions an imported model may use: what ONNX Runtime 1.32 runs.</summary>
internal static class OnnxOpsets
{
    /// <summary>Default-domain opsets ONNX Runtime 1.32 implements (it dropped nothing from 7 on; 23 is the newest it ships kernels for).</summary>
    public const int MinDefault = 7;
    public const int MaxDefault = 23;

    /// <summary>IR versions (file format revisions) ONNX Runtime 1.32 reads.</summary>
    public const long MinIrVersion = 3;
    public const long MaxIrVersion = 11;

    // Domains beyond the default whose operators ONNX Runtime ships, with their newest version.
    private static readonly Dictionary<string, int> Others = new(StringComparer.Ordinal)
    {
        ["ai.onnx.ml"] = 5,
        ["com.microsoft"] = 1,
    };

    public static bool IsDefault(string domain) => domain is "" or "ai.onnx";

    /// <summary>Null when <paramref name="domain"/> at <paramref name="version"/> runs; otherwise why not.</summary>
    public static string? Problem(string domain, long version)
    {
        if (IsDefault(domain))
            return version is >= MinDefault and <= MaxDefault ? null
                : $"opset {version} of the default domain is outside {MinDefault}..{MaxDefault}, what ONNX Runtime 1.32 runs; re-export with opset 17 (torch.onnx.export(..., opset_version=17))";
        if (Others.TryGetValue(domain, out var max))
            return version >= 1 && version <= max ? null : $"domain '{domain}' at version {version} is outside 1..{max}, what ONNX Runtime 1.32 runs";
        return $"domain '{domain}' holds custom operators ONNX Runtime has no kernels for; export with standard ONNX operators only";
    }
}
