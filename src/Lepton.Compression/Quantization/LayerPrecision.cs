namespace Lepton.Compression.Quantization;

/// <summary>Which of a model's quantizable layers become int8.</summary>
public enum LayerPrecision
{
    /// <summary>Every <c>Linear</c> and <c>Conv2d</c> (groups = 1): the smallest model, whatever its speed.</summary>
    All,

    /// <summary>
    /// Each layer becomes int8 only where the whole model, timed on this machine, is then no slower at batch 1 and at the
    /// forward batch size; the others stay float32 (as TensorRT picks each layer's precision by timing).
    /// </summary>
    Faster,
}

/// <summary>Parses the layer-selection names the command line and recipes take.</summary>
public static class LayerPrecisions
{
    public static IReadOnlyList<string> Names { get; } = ["all", "faster"];

    public static LayerPrecision Parse(string name) => name.ToLowerInvariant() switch
    {
        "all" => LayerPrecision.All,
        "faster" or "fastest" => LayerPrecision.Faster,
        _ => throw new ArgumentException($"Unknown layer selection '{name}'. Choose one of: {string.Join(", ", Names)}."),
    };

    public static string Name(this LayerPrecision precision) => precision == LayerPrecision.All ? "all" : "faster";
}
