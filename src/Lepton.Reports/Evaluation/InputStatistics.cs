namespace Lepton.Reports.Evaluation;

/// <summary>
/// Per example statistics of the raw input that slices are cut by: the mean value (an image's brightness) and the standard
/// deviation (its contrast), both in raw units (pixels 0..255).
/// </summary>
public sealed record InputStatistics(double[] Mean, double[] Std)
{
    public int Count => Mean.Length;
}
