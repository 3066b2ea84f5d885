namespace Lepton.Reports;

/// <summary>
/// How a report is computed: bootstrap draws and their seed (the same seed gives the same intervals), the interval level,
/// calibration bins, how many mistakes and confused pairs the gallery shows, and how many points a drawn curve keeps.
/// </summary>
public sealed record ReportOptions(
    int BootstrapResamples = 1000,
    ulong Seed = 0,
    double Level = 0.95,
    int CalibrationBins = 15,
    int Mistakes = 24,
    int ConfusedPairs = 8,
    int ExamplesPerPair = 4,
    int CurvePoints = 200)
{
    public static ReportOptions Default { get; } = new();

    /// <summary>Throws when a value is out of range, naming it.</summary>
    public ReportOptions Validate()
    {
        if (BootstrapResamples is < 0 or > 100_000) throw new ArgumentOutOfRangeException(nameof(BootstrapResamples), $"bootstrap resamples must be 0..100000, got {BootstrapResamples}.");
        if (Level is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Level), $"the interval level must be in (0, 1), got {Level}.");
        if (CalibrationBins is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(CalibrationBins), $"calibration bins must be 1..100, got {CalibrationBins}.");
        if (Mistakes is < 0 or > 500 || ConfusedPairs is < 0 or > 100 || ExamplesPerPair is < 0 or > 20)
            throw new ArgumentOutOfRangeException(nameof(Mistakes), $"gallery sizes must be 0..500 mistakes, 0..100 pairs and 0..20 examples per pair, got {Mistakes}, {ConfusedPairs} and {ExamplesPerPair}.");
        if (CurvePoints is < 2 or > 10_000) throw new ArgumentOutOfRangeException(nameof(CurvePoints), $"curve points must be 2..10000, got {CurvePoints}.");
        return this;
    }
}
