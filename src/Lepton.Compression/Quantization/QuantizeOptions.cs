namespace Lepton.Compression.Quantization;

/// <summary>
/// Options of post-training int8 quantization: the activation calibration <paramref name="Method"/>, how many calibration
/// <paramref name="Samples"/> to run, the <paramref name="Percentile"/> of |x| kept by the percentile method, histogram
/// <paramref name="Bins"/> for percentile and entropy, the <paramref name="Seed"/> that picks the samples, the forward batch size,
/// and which quantizable <paramref name="Layers"/> become int8 (all, or only those that make the model faster on this machine).
/// </summary>
public sealed record QuantizeOptions(
    CalibrationMethod Method = CalibrationMethod.Percentile,
    int Samples = 512,
    double Percentile = 99.99,
    int Bins = 2048,
    ulong Seed = 0,
    int BatchSize = 256,
    LayerPrecision Layers = LayerPrecision.Faster)
{
    /// <summary>Throws naming the first option out of range.</summary>
    public void Validate()
    {
        if (Samples < 1 || Samples > 1_000_000) throw new ArgumentException($"Calibration samples must be in [1, 1000000], got {Samples}.");
        if (!(Percentile > 50 && Percentile <= 100)) throw new ArgumentException($"The calibration percentile must be in (50, 100], got {Percentile}.");
        if (Bins < 256 || Bins > 65536) throw new ArgumentException($"Histogram bins must be in [256, 65536], got {Bins}.");
        if (BatchSize < 1) throw new ArgumentException($"The batch size must be >= 1, got {BatchSize}.");
    }
}
