namespace Lepton.Compression.Quantization;

/// <summary>How an activation's quantization range is chosen from what calibration saw.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest values seen: nothing clips, but one outlier coarsens every step.</summary>
    MinMax,

    /// <summary>Clip magnitudes above a percentile (99.99 by default) of |x|.</summary>
    Percentile,

    /// <summary>The clipping threshold whose quantized histogram is closest to the observed one in KL divergence (TensorRT's entropy calibration).</summary>
    Entropy,
}

/// <summary>Parses the method names the command line takes.</summary>
public static class CalibrationMethods
{
    public static IReadOnlyList<string> Names { get; } = ["minmax", "percentile", "entropy"];

    public static CalibrationMethod Parse(string name) => name.ToLowerInvariant() switch
    {
        "minmax" or "min-max" => CalibrationMethod.MinMax,
        "percentile" => CalibrationMethod.Percentile,
        "entropy" or "kl" => CalibrationMethod.Entropy,
        _ => throw new ArgumentException($"Unknown calibration method '{name}'. Choose one of: {string.Join(", ", Names)}."),
    };

    public static string Name(this CalibrationMethod method) => method switch
    {
        CalibrationMethod.MinMax => "minmax",
        CalibrationMethod.Percentile => "percentile",
        _ => "entropy",
    };
}
