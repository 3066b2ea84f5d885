namespace Lepton.Reports.Statistics;

/// <summary>Examples whose confidence fell in (<see cref="Lower"/>, <see cref="Upper"/>]: how many, how confident on average, how often right.</summary>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double MeanConfidence, double Accuracy);

/// <summary>A reliability diagram's bins and the expected calibration error (count-weighted mean |accuracy − confidence|).</summary>
public sealed record Reliability(IReadOnlyList<ReliabilityBin> Bins, double ExpectedCalibrationError, double MaxCalibrationError);

/// <summary>Calibration of a classifier's top-class probability (Guo et al. 2017): equal-width confidence bins.</summary>
public static class Calibration
{
    public const int DefaultBins = 15;

    /// <summary>Bins <paramref name="confidence"/> (the predicted class's probability) against whether the prediction was right.</summary>
    public static Reliability Of(ReadOnlySpan<double> confidence, ReadOnlySpan<bool> correct, int bins = DefaultBins)
    {
        if (confidence.Length != correct.Length)
            throw new ArgumentException($"Calibration: {confidence.Length} confidences for {correct.Length} outcomes.");
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var count = new int[bins];
        var sumConfidence = new double[bins];
        var right = new int[bins];
        for (int i = 0; i < confidence.Length; i++)
        {
            double p = confidence[i];
            if (!double.IsFinite(p) || p < 0 || p > 1)
                throw new ArgumentException($"Calibration: confidence {p} at index {i} is not a probability; pass softmax outputs.");
            // (lower, upper] bins; a confidence of exactly 0 goes to the first.
            int b = Math.Clamp((int)Math.Ceiling(p * bins) - 1, 0, bins - 1);
            count[b]++;
            sumConfidence[b] += p;
            if (correct[i]) right[b]++;
        }
        var result = new ReliabilityBin[bins];
        double ece = 0, mce = 0;
        for (int b = 0; b < bins; b++)
        {
            double mean = count[b] == 0 ? double.NaN : sumConfidence[b] / count[b];
            double accuracy = count[b] == 0 ? double.NaN : (double)right[b] / count[b];
            result[b] = new ReliabilityBin((double)b / bins, (double)(b + 1) / bins, count[b], mean, accuracy);
            if (count[b] == 0) continue;
            double gap = Math.Abs(accuracy - mean);
            ece += gap * count[b] / confidence.Length;
            mce = Math.Max(mce, gap);
        }
        return new Reliability(result, confidence.Length == 0 ? double.NaN : ece, mce);
    }
}
