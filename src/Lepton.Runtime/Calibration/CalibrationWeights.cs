namespace Lepton.Runtime.Calibration;

/// <summary>
/// The row weights a calibration map is fitted with: each held-out row counts its weight (a table's weight column), or once when
/// none are given, as scikit-learn's <c>sample_weight</c> in its calibrators.
/// </summary>
internal static class CalibrationWeights
{
    /// <summary><paramref name="weights"/> as doubles, all 1 when empty; checked: one per row, finite, ≥ 0, not all 0.</summary>
    public static double[] Of(ReadOnlySpan<float> weights, int rows, string what)
    {
        var w = new double[rows];
        if (weights.IsEmpty)
        {
            Array.Fill(w, 1.0);
            return w;
        }
        if (weights.Length != rows) throw new ArgumentException($"{what}: {weights.Length} weights for {rows} rows.");
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            if (!float.IsFinite(weights[i]) || weights[i] < 0) throw new ArgumentException($"{what}: row {i}'s weight {weights[i]} is not a finite number of 0 or more.");
            total += w[i] = weights[i];
        }
        if (!(total > 0)) throw new ArgumentException($"{what}: every held-out row weighs 0; at least one must count.");
        return w;
    }
}
